package org.nfqwall.rules;

/**
 * The traffic-shaping class of a named mark: an HTB class that {@code nfqwall shaping} creates
 * and feeds with the mark's packets. Immutable.
 *
 * @param rate the guaranteed rate, as written (e.g. {@code 2mbit})
 * @param rateBits the same in bits per second
 * @param ceil the most the class may borrow up to, as written; equals {@code rate} when not given
 * @param ceilBits the same in bits per second, at least {@code rateBits}
 * @param prio HTB's priority for borrowing, 0 (first) to 7
 */
public record MarkShape(String rate, long rateBits, String ceil, long ceilBits, int prio) {
    /** HTB's lowest priority: {@value}. */
    public static final int MAX_PRIO = 7;
}
