package org.nfqwall.testing;

import java.lang.management.ManagementFactory;

/**
 * Measures what the current thread allocates, for the tests that prove a path allocates nothing.
 *
 * <p>The JIT may allocate a little, once, on the measuring thread while it compiles the code
 * under test (seen: a few hundred bytes in one round of many); the code itself must still manage
 * a round that allocates exactly nothing. So the work runs in rounds and the least a round
 * allocated is what counts.
 */
public final class Allocations {
    /** Rounds tried before giving up on a clean one: {@value}. */
    public static final int ROUNDS = 5;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Allocations() {
    }

    /** Bytes the current thread has allocated so far. */
    public static long allocatedBytes() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /**
     * Runs {@code work} up to {@value #ROUNDS} times and returns the fewest bytes one run
     * allocated (stopping at the first run that allocated none).
     */
    public static long leastPerRound(Runnable work) {
        long least = Long.MAX_VALUE;
        for (int round = 0; round < ROUNDS && least != 0; round++) {
            long before = allocatedBytes();
            work.run();
            least = Math.min(least, allocatedBytes() - before);
        }
        return least;
    }
}
