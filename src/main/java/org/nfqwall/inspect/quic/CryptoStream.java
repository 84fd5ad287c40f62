package org.nfqwall.inspect.quic;

import java.util.Arrays;

/**
 * The start of one flow's Initial CRYPTO stream, reassembled by offset from frames that may come
 * out of order, within and across packets (RFC 9000 19.6).
 *
 * <p>The buffer and its one-bit-per-byte map of received bytes are allocated at the first
 * {@link #ensureCapacity} and reused after {@link #clear}, so a pooled flow state allocates them
 * once. A byte received twice must be the same (RFC 9000 2.2 allows treating a change as a
 * PROTOCOL_VIOLATION): a change is reported, never silently resolved, so no later copy can
 * differ from what the server keeps. Owned by one {@link QuicFlowState}; not thread-safe.
 */
final class CryptoStream {
    static final int OK = 0;
    /** Data beyond the capacity. */
    static final int TOO_LARGE = 1;
    /** Data that differs from bytes received before at the same offsets. */
    static final int CONFLICT = 2;

    private byte[] data;
    private long[] received;
    private int capacity;
    /** Bytes [0, contiguous) are all received. */
    private int contiguous;
    /** Bytes at and beyond this offset were never received, so clearing stops here. */
    private int highWater;

    /** Makes room for {@code bytes} bytes, allocating only when the buffer is smaller. */
    void ensureCapacity(int bytes) {
        if (data == null || data.length < bytes) {
            data = new byte[bytes];
            received = new long[(bytes + 63) / 64];
            contiguous = 0;
            highWater = 0;
        }
        capacity = bytes;
    }

    /** Forgets every byte received; keeps the buffer. */
    void clear() {
        if (received != null) {
            Arrays.fill(received, 0, Math.min(received.length, (highWater + 63) / 64), 0L);
        }
        contiguous = 0;
        highWater = 0;
    }

    boolean allocated() {
        return data != null;
    }

    /**
     * Adds {@code src[off, off+len)} found at {@code streamOffset} of the stream. Returns
     * {@link #OK}, {@link #TOO_LARGE} (nothing added) when it reaches beyond the capacity, or
     * {@link #CONFLICT} when a byte differs from one received before.
     */
    int add(byte[] src, int off, long streamOffset, int len) {
        if (streamOffset < 0 || len < 0 || streamOffset + len > capacity) {
            return TOO_LARGE;
        }
        int at = (int) streamOffset;
        for (int i = 0; i < len; i++) {
            int pos = at + i;
            long bit = 1L << (pos & 63);
            if ((received[pos >>> 6] & bit) != 0) {
                if (data[pos] != src[off + i]) {
                    return CONFLICT;
                }
            } else {
                data[pos] = src[off + i];
                received[pos >>> 6] |= bit;
            }
        }
        highWater = Math.max(highWater, at + len);
        while (contiguous < highWater && (received[contiguous >>> 6] & (1L << (contiguous & 63))) != 0) {
            contiguous++;
        }
        return OK;
    }

    /** How many bytes from offset 0 are all received. */
    int contiguous() {
        return contiguous;
    }

    /** The buffer; bytes [0, {@link #contiguous()}) are the stream. */
    byte[] data() {
        return data;
    }
}
