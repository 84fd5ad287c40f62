package org.nfqwall.rules;

/**
 * The packet-mark and connmark bits nfqwall reserves, shared by the daemon (which sets them in
 * verdicts) and the iptables generator (which acts on them before the queue rule).
 *
 * <p>The kernel here cannot set a connmark from a verdict, so a verdict that must reach the
 * connection sets bits on the packet and answers NF_REPEAT: the packet runs the chain again and
 * the generated rules save, reject or drop it, then clear the reserved bits again. Rule marks
 * ({@code marks:}) live in {@link #USER_MASK}; bits outside a rule file's {@code mark_mask}
 * are never touched, so marks an admin sets elsewhere survive.
 */
public final class MarkBits {
    /** All bits nfqwall reserves: {@value}. */
    public static final int RESERVED_MASK = 0xF0000000;
    /** On a packet handed back with NF_REPEAT: act on the other bits, never queue it again. */
    public static final int VERDICT = 0x80000000;
    /** Reject: the client gets a TCP reset; as a connmark, the rest of the flow is rejected. */
    public static final int REJECT = 0x40000000;
    /** Drop: as a connmark, the rest of the flow is dropped in the kernel. */
    public static final int DROP = 0x20000000;
    /** A flow decided for good and accepted: as a connmark, the rest of it is accepted in the kernel. */
    public static final int OFFLOAD = 0x10000000;
    /** Bits rule marks may use: {@value}. */
    public static final int USER_MASK = 0x0FFFFFFF;

    private MarkBits() {
    }
}
