package org.nfqwall.packet;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Unsigned big-endian reads at absolute indexes, whatever the buffer's byte order, never touching
 * its position or limit. Callers check bounds first; these only read. The multi-byte reads use the
 * buffer's own wide reads (one bounds check, one load) and swap only for a little-endian buffer.
 */
final class Bytes {
    private Bytes() {
    }

    static int u8(ByteBuffer buf, int index) {
        return buf.get(index) & 0xFF;
    }

    static int u16(ByteBuffer buf, int index) {
        short value = buf.getShort(index);
        return (buf.order() == ByteOrder.BIG_ENDIAN ? value : Short.reverseBytes(value)) & 0xFFFF;
    }

    static long u32(ByteBuffer buf, int index) {
        int value = buf.getInt(index);
        return (buf.order() == ByteOrder.BIG_ENDIAN ? value : Integer.reverseBytes(value)) & 0xFFFF_FFFFL;
    }

    static long u64(ByteBuffer buf, int index) {
        long value = buf.getLong(index);
        return buf.order() == ByteOrder.BIG_ENDIAN ? value : Long.reverseBytes(value);
    }
}
