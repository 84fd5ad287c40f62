package org.nfqwall.packet;

import java.nio.ByteBuffer;

/**
 * Unsigned big-endian reads at absolute indexes, independent of the buffer's byte order and
 * never touching its position or limit. Callers check bounds first; these only read.
 */
final class Bytes {
    private Bytes() {
    }

    static int u8(ByteBuffer buf, int index) {
        return buf.get(index) & 0xFF;
    }

    static int u16(ByteBuffer buf, int index) {
        return (buf.get(index) & 0xFF) << 8 | buf.get(index + 1) & 0xFF;
    }

    static long u32(ByteBuffer buf, int index) {
        return (long) u16(buf, index) << 16 | u16(buf, index + 2);
    }

    static long u64(ByteBuffer buf, int index) {
        return u32(buf, index) << 32 | u32(buf, index + 4);
    }
}
