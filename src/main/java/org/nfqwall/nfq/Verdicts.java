package org.nfqwall.nfq;

/** The netfilter verdicts a queue reader may give ({@code NF_*} in linux/netfilter.h). */
public final class Verdicts {
    /** Discard the packet. */
    public static final int DROP = 0;
    /** Let the packet continue with the next rule after the queue rule's hook. */
    public static final int ACCEPT = 1;
    /** Send the packet through the hook's rules again from the start (with its new mark). */
    public static final int REPEAT = 4;

    private Verdicts() {
    }
}
