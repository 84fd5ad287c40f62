package org.nfqwall.engine;

/**
 * Puts one address into the kernel set of a steering mark (the daemon's is a netlink ipset
 * socket, see {@code org.nfqwall.nfq.IpsetSocket}), renewing its timeout when it is there
 * already, and returns when the kernel has it.
 *
 * <p>Called on the worker thread, at most a few times per decision or DNS answer: must not
 * block longer than a netlink round trip, and should not allocate. One adder per worker.
 */
@FunctionalInterface
public interface SteeringAdder {
    /** The address is in the set now. */
    int ADDED = 0;
    /** The mark's set does not exist (not created, or destroyed). */
    int NO_SUCH_SET = 1;
    /** The set is full ({@code max:} reached). */
    int SET_FULL = 2;
    /** Any other failure. */
    int FAILED = 3;

    /**
     * Adds {@code hi}/{@code lo} (128 bits, IPv4 mapped as {@code ::ffff:a.b.c.d}) to the set of
     * mark {@code markValue} and family {@code ipv6} for {@code timeoutSeconds}.
     *
     * @return {@link #ADDED}, {@link #NO_SUCH_SET}, {@link #SET_FULL} or {@link #FAILED}
     */
    int add(int markValue, boolean ipv6, long hi, long lo, long timeoutSeconds);

    /** For an engine that has no kernel sets (tests, tools): every add fails, counted as such. */
    SteeringAdder NONE = (markValue, ipv6, hi, lo, timeoutSeconds) -> FAILED;
}
