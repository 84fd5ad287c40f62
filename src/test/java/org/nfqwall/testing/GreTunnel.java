package org.nfqwall.testing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * Wraps an IP packet in an outer IPv4 or IPv6 header and a GRE header (RFC 2784, key and
 * sequence number of RFC 2890), with correct outer header and GRE checksums, the way a Linux
 * {@code gre} tunnel sends it. This kernel has no GRE device to capture from, so tests build
 * tunnelled packets from captured or built inner ones. Immutable; each setter returns a copy.
 */
public final class GreTunnel {
    public static final int FLAG_CHECKSUM = 0x8000;
    public static final int FLAG_ROUTING = 0x4000;
    public static final int FLAG_KEY = 0x2000;
    public static final int FLAG_SEQUENCE = 0x1000;

    private final byte[] outerSrc;
    private final byte[] outerDst;
    private final int flags;
    private final long key;
    private final long sequence;
    /** -1: from the inner packet's version nibble. */
    private final int protocolType;

    private GreTunnel(byte[] outerSrc, byte[] outerDst, int flags, long key, long sequence, int protocolType) {
        this.outerSrc = outerSrc;
        this.outerDst = outerDst;
        this.flags = flags;
        this.key = key;
        this.sequence = sequence;
        this.protocolType = protocolType;
    }

    /** A tunnel between two address literals of one family, no optional GRE fields. */
    public static GreTunnel between(String outerSrc, String outerDst) {
        return new GreTunnel(address(outerSrc), address(outerDst), 0, 0, 0, -1);
    }

    /** With the key field (K) holding {@code key} (0..4294967295). */
    public GreTunnel key(long key) {
        return new GreTunnel(outerSrc, outerDst, flags | FLAG_KEY, key, sequence, protocolType);
    }

    /** With the sequence number field (S). */
    public GreTunnel sequence(long sequence) {
        return new GreTunnel(outerSrc, outerDst, flags | FLAG_SEQUENCE, key, sequence, protocolType);
    }

    /** With the checksum field (C), computed over the GRE header and payload. */
    public GreTunnel checksum() {
        return new GreTunnel(outerSrc, outerDst, flags | FLAG_CHECKSUM, key, sequence, protocolType);
    }

    /** With these raw flag and version bits ORed into the first 16 bits (for malformed headers). */
    public GreTunnel rawBits(int bits) {
        return new GreTunnel(outerSrc, outerDst, flags | bits, key, sequence, protocolType);
    }

    /** With this protocol type instead of the one the inner packet's version asks for. */
    public GreTunnel protocolType(int type) {
        return new GreTunnel(outerSrc, outerDst, flags, key, sequence, type);
    }

    /** Bytes of outer IP header and GRE header in front of the inner packet. */
    public int overhead() {
        return (outerSrc.length == 16 ? 40 : 20) + greLength();
    }

    private int greLength() {
        return 4 + ((flags & FLAG_CHECKSUM) != 0 ? 4 : 0) + ((flags & FLAG_KEY) != 0 ? 4 : 0)
                + ((flags & FLAG_SEQUENCE) != 0 ? 4 : 0);
    }

    /** The tunnelled packet carrying {@code inner}. */
    public byte[] wrap(byte[] inner) {
        return wrap(inner, 0, inner.length);
    }

    /** The tunnelled packet carrying {@code packet[from, from+length)}. */
    public byte[] wrap(byte[] packet, int from, int length) {
        ByteBuffer out = ByteBuffer.allocate(overhead() + length);
        writeInto(out, 0, ByteBuffer.wrap(packet), from, length);
        return out.array();
    }

    /**
     * Writes the outer headers at {@code buf[at, at+overhead())} in front of the inner packet,
     * which must already lie at {@code buf[at+overhead(), +innerLength)}.
     */
    public void writeHeadersBefore(ByteBuffer buf, int at, int innerLength) {
        int ipLength = outerSrc.length == 16 ? 40 : 20;
        int gre = at + ipLength;
        int total = ipLength + greLength() + innerLength;
        if (outerSrc.length == 16) {
            buf.putInt(at, 0x60000000);
            buf.putShort(at + 4, (short) (total - 40));
            buf.put(at + 6, (byte) 47);
            buf.put(at + 7, (byte) 64);
            buf.put(at + 8, outerSrc);
            buf.put(at + 24, outerDst);
        } else {
            buf.put(at, (byte) 0x45);
            buf.put(at + 1, (byte) 0);
            buf.putShort(at + 2, (short) total);
            buf.putInt(at + 4, 0x00004000); // id 0, DF
            buf.put(at + 8, (byte) 64);
            buf.put(at + 9, (byte) 47);
            buf.putShort(at + 10, (short) 0);
            buf.put(at + 12, outerSrc);
            buf.put(at + 16, outerDst);
            buf.putShort(at + 10, (short) checksum(buf, at, 20));
        }
        int type = protocolType >= 0 ? protocolType
                : (buf.get(gre + greLength()) & 0xF0) == 0x60 ? 0x86DD : 0x0800;
        buf.putShort(gre, (short) flags);
        buf.putShort(gre + 2, (short) type);
        int field = gre + 4;
        if ((flags & FLAG_CHECKSUM) != 0) {
            buf.putInt(field, 0);
            field += 4;
        }
        if ((flags & FLAG_KEY) != 0) {
            buf.putInt(field, (int) key);
            field += 4;
        }
        if ((flags & FLAG_SEQUENCE) != 0) {
            buf.putInt(field, (int) sequence);
        }
        if ((flags & FLAG_CHECKSUM) != 0) {
            buf.putShort(gre + 4, (short) checksum(buf, gre, total - ipLength));
        }
    }

    private void writeInto(ByteBuffer out, int at, ByteBuffer packet, int from, int length) {
        out.put(at + overhead(), packet, from, length);
        writeHeadersBefore(out, at, length);
    }

    private static int checksum(ByteBuffer buf, int from, int len) {
        return checksum(buf, 0, from, len);
    }

    /**
     * The Internet checksum (RFC 1071) of {@code buf[from, from+len)} added to {@code sum} (a
     * pseudo header's, not yet folded), complemented: the value a checksum field holds.
     */
    public static int checksum(ByteBuffer buf, long sum, int from, int len) {
        for (int i = 0; i < len; i += 2) {
            int hi = buf.get(from + i) & 0xFF;
            int lo = i + 1 < len ? buf.get(from + i + 1) & 0xFF : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    private static byte[] address(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
