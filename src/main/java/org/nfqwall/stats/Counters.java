package org.nfqwall.stats;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.EnumMap;
import java.util.Map;

/**
 * The counters of one worker thread: a plain array the worker increments without locks or
 * allocation.
 *
 * <p>Written by exactly one worker thread. Other threads may read a snapshot at any time; a
 * snapshot can be a few increments behind, which statistics tolerate. Writes and reads are
 * opaque, so a reader never sees half of a 64-bit value; on x86 and ARM64 that costs the worker
 * nothing over a plain store.
 */
public final class Counters {
    private static final Counter[] ALL = Counter.values();
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] values = new long[ALL.length];

    /** Adds one. Worker thread only. */
    public void increment(Counter c) {
        int i = c.ordinal();
        LONGS.setOpaque(values, i, values[i] + 1);
    }

    /** Adds {@code n}. Worker thread only. */
    public void add(Counter c, long n) {
        int i = c.ordinal();
        LONGS.setOpaque(values, i, values[i] + n);
    }

    /** Current value (any thread; may lag the worker slightly). */
    public long get(Counter c) {
        return (long) LONGS.getOpaque(values, c.ordinal());
    }

    /** Sums several workers' counters into a new map (allocates; control plane only). */
    public static Map<Counter, Long> merge(Iterable<Counters> workers) {
        Map<Counter, Long> sum = new EnumMap<>(Counter.class);
        for (Counter c : ALL) {
            long total = 0;
            for (Counters w : workers) {
                total += w.get(c);
            }
            sum.put(c, total);
        }
        return sum;
    }
}
