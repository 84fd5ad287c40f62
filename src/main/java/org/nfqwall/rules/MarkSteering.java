package org.nfqwall.rules;

/**
 * How a named mark steers whole connections: the destination addresses nfqwall saw for the hosts
 * the mark's rules decided (or learned from DNS answers) go into a kernel ipset per mark and
 * address family, each entry expiring after {@code timeoutSeconds}; the generated ruleset marks
 * new connections to those addresses at their first packet. Immutable.
 *
 * @param timeoutSeconds how long an address stays in the set after it was last seen, 1 second
 *                       to {@link BlockDuration#MAX_SECONDS}
 * @param maxAddresses   the most addresses the set of one family holds (ipset {@code maxelem});
 *                       once full, new addresses are not added until old ones expire
 */
public record MarkSteering(long timeoutSeconds, int maxAddresses) {
    /** Default {@code timeout}: {@value} seconds (one hour). */
    public static final long DEFAULT_TIMEOUT_SECONDS = 3600;
    /** Default {@code max}: {@value} addresses per family. */
    public static final int DEFAULT_MAX_ADDRESSES = 65536;
    /** Largest {@code max}: {@value} (bounds the kernel memory one set can take, about 64 MiB). */
    public static final int MAX_ADDRESSES = 1 << 20;

    /** The defaults, for a mark with a routing table and no {@code steer:} key. */
    public static MarkSteering defaults() {
        return new MarkSteering(DEFAULT_TIMEOUT_SECONDS, DEFAULT_MAX_ADDRESSES);
    }
}
