package org.nfqwall.gen;

import java.io.ByteArrayOutputStream;

/**
 * A test-only builder of GRE-over-IPv4 packets, byte by byte, with the same knobs as
 * src/test/resources/gen/gre_probe.py: IHL (NOP options), the GRE C, R, K, S bits, version and
 * other flag bits, the key, fragment fields, truncation and the IP protocol. Immutable: each
 * {@code with...} returns a changed copy. {@link #toString} names the knobs for test names.
 */
record GrePacket(int ihl, boolean c, boolean r, boolean k, boolean s, int version, int extraFlags, long key,
                 int fragOffset, boolean mf, int truncate, int protocol) {
    /** A plain keyed GRE packet: IHL 5, K set, key {@code key}. */
    static GrePacket keyed(long key) {
        return new GrePacket(5, false, false, true, false, 0, 0, key, 0, false, -1, 47);
    }

    GrePacket withIhl(int v) {
        return new GrePacket(v, c, r, k, s, version, extraFlags, key, fragOffset, mf, truncate, protocol);
    }

    GrePacket withC(boolean v) {
        return new GrePacket(ihl, v, r, k, s, version, extraFlags, key, fragOffset, mf, truncate, protocol);
    }

    GrePacket withR(boolean v) {
        return new GrePacket(ihl, c, v, k, s, version, extraFlags, key, fragOffset, mf, truncate, protocol);
    }

    GrePacket withK(boolean v) {
        return new GrePacket(ihl, c, r, v, s, version, extraFlags, key, fragOffset, mf, truncate, protocol);
    }

    GrePacket withS(boolean v) {
        return new GrePacket(ihl, c, r, k, v, version, extraFlags, key, fragOffset, mf, truncate, protocol);
    }

    GrePacket withVersion(int v) {
        return new GrePacket(ihl, c, r, k, s, v, extraFlags, key, fragOffset, mf, truncate, protocol);
    }

    GrePacket withExtraFlags(int v) {
        return new GrePacket(ihl, c, r, k, s, version, v, key, fragOffset, mf, truncate, protocol);
    }

    GrePacket withFragment(int offset, boolean more) {
        return new GrePacket(ihl, c, r, k, s, version, extraFlags, key, offset, more, truncate, protocol);
    }

    GrePacket withTruncate(int bytesAfterIpHeader) {
        return new GrePacket(ihl, c, r, k, s, version, extraFlags, key, fragOffset, mf, bytesAfterIpHeader, protocol);
    }

    GrePacket withProtocol(int v) {
        return new GrePacket(ihl, c, r, k, s, version, extraFlags, key, fragOffset, mf, truncate, v);
    }

    /** Where the key starts after the IP header: 4, or 8 behind a checksum/offset word. */
    int keyOffset() {
        return c || r ? 8 : 4;
    }

    /** How many bytes follow the IP header. */
    int greLength() {
        int full = keyOffset() + (k ? 4 : 0) + (s ? 4 : 0) + 20;
        return truncate < 0 ? full : Math.min(truncate, full);
    }

    byte[] bytes() {
        ByteArrayOutputStream gre = new ByteArrayOutputStream();
        int flags = (version & 7) | extraFlags | (c ? 0x8000 : 0) | (r ? 0x4000 : 0) | (k ? 0x2000 : 0)
                | (s ? 0x1000 : 0);
        put(gre, ((long) flags << 16) | 0x0800);
        if (c || r) {
            put(gre, 0xC0DE0000L);
        }
        if (k) {
            put(gre, key);
        }
        if (s) {
            put(gre, 7);
        }
        for (int i = 0; i < 20; i++) {
            gre.write(i);
        }
        byte[] payload = java.util.Arrays.copyOf(gre.toByteArray(), greLength());
        ByteArrayOutputStream ip = new ByteArrayOutputStream();
        int total = 4 * ihl + payload.length;
        put(ip, (0x40L | ihl) << 24 | total);
        put(ip, 0x4242L << 16 | (mf ? 0x2000 : 0) | (fragOffset & 0x1FFF));
        put(ip, 64L << 24 | (long) protocol << 16);
        put(ip, 0x0A630001L);
        put(ip, 0x0A630002L);
        for (int i = 5; i < ihl; i++) {
            put(ip, 0x01010101L);
        }
        ip.writeBytes(payload);
        return ip.toByteArray();
    }

    /** The gre_probe.py arguments that send this packet. */
    String probeArgs() {
        StringBuilder a = new StringBuilder("--ihl " + ihl);
        a.append(c ? " --c" : "").append(r ? " --r" : "").append(k ? " --k" : "").append(s ? " --s" : "");
        a.append(" --version ").append(version).append(" --extra-flags ").append(extraFlags);
        a.append(" --key ").append(key).append(" --frag-offset ").append(fragOffset).append(mf ? " --mf" : "");
        if (truncate >= 0) {
            a.append(" --truncate ").append(truncate);
        }
        return a.append(" --protocol ").append(protocol).toString();
    }

    private static void put(ByteArrayOutputStream out, long word) {
        out.write((int) (word >>> 24));
        out.write((int) (word >>> 16));
        out.write((int) (word >>> 8));
        out.write((int) word);
    }
}
