package org.nfqwall.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.nfqwall.testing.GreTunnel;

/**
 * Builds IPv4 and IPv6 TCP segments with correct checksums for engine tests, written into one
 * direct buffer the way the queue delivers them; {@link #inTunnel} wraps each in a GRE tunnel. Public for the tests of other packages that
 * drive the engine (the whole per-packet path in {@code nfq}).
 */
public final class TestPackets {
    public static final int SYN = 0x02, ACK = 0x10, PSH = 0x08, RST = 0x04, FIN = 0x01;

    public final ByteBuffer buf = ByteBuffer.allocateDirect(70000);
    public int offset;
    public int length;

    private final byte[] src;
    private final byte[] dst;
    private final int sport;
    private final int dport;
    private final boolean v6;
    private GreTunnel tunnel;

    public TestPackets(String src, String dst, int sport, int dport) {
        this.src = parse(src);
        this.dst = parse(dst);
        this.sport = sport;
        this.dport = dport;
        this.v6 = this.src.length == 16;
    }

    private static byte[] parse(String addr) {
        try {
            return java.net.InetAddress.getByName(addr).getAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(addr, e);
        }
    }

    /** From now on, wraps each packet written in {@code tunnel} (null: plain again); returns this. */
    public TestPackets inTunnel(GreTunnel tunnel) {
        this.tunnel = tunnel;
        return this;
    }

    /** Writes a TCP segment at offset 100 of the buffer; returns this for chaining. */
    public TestPackets tcp(long seq, int flags, String payload) {
        return tcp(seq, flags, payload.getBytes(StandardCharsets.ISO_8859_1));
    }

    public TestPackets tcp(long seq, int flags, byte[] payload) {
        int t = ipHeader(6, 20 + payload.length);
        buf.putShort(t, (short) sport);
        buf.putShort(t + 2, (short) dport);
        buf.putInt(t + 4, (int) seq);
        buf.putInt(t + 8, 1);
        buf.put(t + 12, (byte) 0x50);
        buf.put(t + 13, (byte) flags);
        buf.putShort(t + 14, (short) 65535);
        buf.put(t + 20, payload);
        buf.putShort(t + 16, (short) checksum(pseudoHeader(6, 20 + payload.length), t, 20 + payload.length));
        return encapsulated();
    }

    /** Writes a UDP datagram at offset 100 of the buffer. */
    public TestPackets udp(byte[] payload) {
        int u = ipHeader(17, 8 + payload.length);
        buf.putShort(u, (short) sport);
        buf.putShort(u + 2, (short) dport);
        buf.putShort(u + 4, (short) (8 + payload.length));
        buf.put(u + 8, payload);
        int sum = checksum(pseudoHeader(17, 8 + payload.length), u, 8 + payload.length);
        buf.putShort(u + 6, (short) (sum == 0 ? 0xFFFF : sum));
        return encapsulated();
    }

    /** Writes a zeroed IPv4 or IPv6 header for {@code l4Length} bytes of {@code protocol}; returns where L4 starts. */
    private int ipHeader(int protocol, int l4Length) {
        int ipLen = v6 ? 40 : 20;
        offset = 100 + (tunnel == null ? 0 : tunnel.overhead());
        length = ipLen + l4Length;
        for (int i = 0; i < length + 8; i++) {
            buf.put(offset + i, (byte) 0);
        }
        int o = offset;
        if (v6) {
            buf.putInt(o, 0x60000000);
            buf.putShort(o + 4, (short) l4Length);
            buf.put(o + 6, (byte) protocol);
            buf.put(o + 7, (byte) 64);
            buf.put(o + 8, src);
            buf.put(o + 24, dst);
        } else {
            buf.put(o, (byte) 0x45);
            buf.putShort(o + 2, (short) length);
            buf.put(o + 8, (byte) 64);
            buf.put(o + 9, (byte) protocol);
            buf.put(o + 12, src);
            buf.put(o + 16, dst);
            buf.putShort(o + 10, (short) checksum(0, o, 20));
        }
        return o + ipLen;
    }

    /** Puts the tunnel's headers in front of the packet just written, if there is a tunnel. */
    private TestPackets encapsulated() {
        if (tunnel != null) {
            offset = 100;
            tunnel.writeHeadersBefore(buf, offset, length);
            length += tunnel.overhead();
        }
        return this;
    }

    /** The pseudo-header sum of RFC 9293 3.1 / RFC 8200 8.1, not yet folded. */
    private long pseudoHeader(int protocol, int l4Length) {
        long pseudo = 0;
        for (int i = 0; i < src.length; i += 2) {
            pseudo += ((src[i] & 0xFF) << 8) | (src[i + 1] & 0xFF);
            pseudo += ((dst[i] & 0xFF) << 8) | (dst[i + 1] & 0xFF);
        }
        return pseudo + protocol + l4Length;
    }

    private int checksum(long sum, int from, int len) {
        return GreTunnel.checksum(buf, sum, from, len);
    }

    /** Flips one payload byte without fixing the checksum. */
    void corruptLastByte() {
        int i = offset + length - 1;
        buf.put(i, (byte) (buf.get(i) ^ 0x20));
    }
}
