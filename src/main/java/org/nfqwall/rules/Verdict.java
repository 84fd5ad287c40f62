package org.nfqwall.rules;

/**
 * What nfqwall answers for a packet or a flow.
 *
 * <p>{@link #MARK} accepts and sets the rule's fwmark, saved to the connmark so the whole
 * connection carries it. {@link #DROP} and {@link #REJECT} also apply to every later packet of
 * the flow.
 */
public enum Verdict {
    ACCEPT, DROP, REJECT, MARK;

    /** Lower-case name as written in rule files and logs. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
