package org.nfqwall.stats;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * How long packets waited in userspace between being received and having their verdict sent,
 * as counts over fixed buckets: a classic histogram the worker fills without allocating.
 *
 * <p>The worker measures once per batch (all packets of a batch are received by one call and
 * answered by one send) and adds the batch's size to one bucket. Written by exactly one worker
 * thread; any thread may read. Reads are opaque, so no value is ever torn; a reader may see the
 * buckets and the sum a few batches apart, which a scrape tolerates.
 */
public final class LatencyHistogram {
    /**
     * Upper bounds of the buckets, in nanoseconds, from 5 microseconds (a small batch) to one
     * second; a last bucket without bound takes the rest.
     */
    private static final long[] BOUNDS_NANOS = {
        5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000,
        1_000_000, 2_500_000, 5_000_000, 10_000_000, 25_000_000, 50_000_000,
        100_000_000, 250_000_000, 500_000_000, 1_000_000_000,
    };
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle SUM;

    static {
        try {
            SUM = MethodHandles.lookup().findVarHandle(LatencyHistogram.class, "sumNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Per bucket, not cumulative; the last is the overflow bucket. */
    private final long[] counts = new long[BOUNDS_NANOS.length + 1];
    private long sumNanos;

    /** Adds {@code packets} observations of {@code nanos} each. Worker thread only; allocates nothing. */
    public void record(long nanos, int packets) {
        if (packets <= 0) {
            return;
        }
        long v = Math.max(0, nanos);
        int i = 0;
        while (i < BOUNDS_NANOS.length && v > BOUNDS_NANOS[i]) {
            i++;
        }
        LONGS.setOpaque(counts, i, counts[i] + packets);
        SUM.setOpaque(this, sumNanos + v * packets);
    }

    /** Buckets, the overflow bucket included. */
    public int buckets() {
        return counts.length;
    }

    /** Upper bound of bucket {@code i} in nanoseconds; {@link Long#MAX_VALUE} for the overflow bucket. */
    public long upperBoundNanos(int i) {
        return i < BOUNDS_NANOS.length ? BOUNDS_NANOS[i] : Long.MAX_VALUE;
    }

    /** Observations in bucket {@code i} alone (not cumulative). Any thread. */
    public long count(int i) {
        return (long) LONGS.getOpaque(counts, i);
    }

    /** Sum of all observations in nanoseconds. Any thread. */
    public long sumNanos() {
        return (long) SUM.getOpaque(this);
    }
}
