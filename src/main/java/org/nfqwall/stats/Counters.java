package org.nfqwall.stats;

import java.util.EnumMap;
import java.util.Map;

/**
 * The counters of one worker thread: a plain array the worker increments without locks or
 * allocation.
 *
 * <p>Written by exactly one worker thread. Other threads may read a snapshot at any time; a
 * snapshot can be a few increments behind, which statistics tolerate.
 */
public final class Counters {
    private static final Counter[] ALL = Counter.values();

    private final long[] values = new long[ALL.length];

    /** Adds one. Worker thread only. */
    public void increment(Counter c) {
        values[c.ordinal()]++;
    }

    /** Adds {@code n}. Worker thread only. */
    public void add(Counter c, long n) {
        values[c.ordinal()] += n;
    }

    /** Current value (any thread; may lag the worker slightly). */
    public long get(Counter c) {
        return values[c.ordinal()];
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
