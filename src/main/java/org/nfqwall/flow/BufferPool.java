package org.nfqwall.flow;

/**
 * A bounded pool of equal-sized byte buffers for flows that hold a partial request head.
 *
 * <p>Buffers are created on first need, up to {@code maxBuffers}, and reused after that, so a
 * warmed-up worker allocates nothing and the memory held for reassembly never exceeds
 * {@code maxBuffers * bufferSize}. When every buffer is lent out, {@link #acquire} returns null
 * and the caller decides without the bytes (counted, never blocking).
 *
 * <p>Owned by one worker thread. Not thread-safe.
 */
public final class BufferPool {
    /** Default memory for held request heads per worker: {@value} bytes. */
    public static final long DEFAULT_BUDGET_BYTES = 64L << 20;

    private final int bufferSize;
    private final int maxBuffers;
    private final byte[][] idle;
    private int idleCount;
    private int created;
    private long exhausted;

    public BufferPool(int bufferSize, int maxBuffers) {
        if (bufferSize < 1 || maxBuffers < 1) {
            throw new IllegalArgumentException("buffer pool needs a positive size and count");
        }
        this.bufferSize = bufferSize;
        this.maxBuffers = maxBuffers;
        this.idle = new byte[maxBuffers][];
    }

    /** A pool spending at most {@code budgetBytes} on buffers of {@code bufferSize}. */
    public static BufferPool withBudget(int bufferSize, long budgetBytes) {
        return new BufferPool(bufferSize, (int) Math.max(1, Math.min(Integer.MAX_VALUE, budgetBytes / bufferSize)));
    }

    /** A buffer of {@link #bufferSize()} bytes, or null when all are lent out. */
    public byte[] acquire() {
        if (idleCount > 0) {
            byte[] b = idle[--idleCount];
            idle[idleCount] = null;
            return b;
        }
        if (created < maxBuffers) {
            created++;
            return new byte[bufferSize];
        }
        exhausted++;
        return null;
    }

    /** Gives a buffer from {@link #acquire} back. */
    public void release(byte[] buffer) {
        idle[idleCount++] = buffer;
    }

    public int bufferSize() {
        return bufferSize;
    }

    /** Buffers currently lent out. */
    public int inUse() {
        return created - idleCount;
    }

    /** Times a buffer was asked for and none was left. */
    public long exhaustedCount() {
        return exhausted;
    }
}
