package org.nfqwall.inspect.quic;

/**
 * QUIC variable-length integers over a byte array, with bounds checked before every read.
 *
 * <pre>
 * RFC 9000 16: the two high bits of the first byte give the length
 *   00: 1 byte, 6-bit value     01: 2 bytes, 14-bit value
 *   10: 4 bytes, 30-bit value   11: 8 bytes, 62-bit value
 * </pre>
 */
final class Varints {
    /** Returned by {@link #read} when the integer runs past the limit. */
    static final long TRUNCATED = -1;

    private Varints() {
    }

    /** The length in bytes of the integer starting with {@code firstByte}: 1, 2, 4 or 8. */
    static int length(byte firstByte) {
        return 1 << ((firstByte & 0xC0) >>> 6);
    }

    /**
     * The integer at {@code b[index]}, or {@link #TRUNCATED} if it does not end by {@code limit};
     * its length is {@link #length}(b[index]).
     */
    static long read(byte[] b, int index, int limit) {
        if (index < 0 || index >= limit) {
            return TRUNCATED;
        }
        int n = length(b[index]);
        if (limit - index < n) {
            return TRUNCATED;
        }
        long value = b[index] & 0x3F;
        for (int i = 1; i < n; i++) {
            value = (value << 8) | (b[index + i] & 0xFF);
        }
        return value;
    }
}
