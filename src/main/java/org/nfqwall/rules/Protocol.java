package org.nfqwall.rules;

/**
 * The application protocol recognised on a flow, as rules see it ({@code protocol:} key).
 *
 * <p>{@link #UNKNOWN} covers bytes that are not (or not well-formed) HTTP on an inspected port,
 * and request heads larger than the inspection limit.
 */
public enum Protocol {
    UNKNOWN, HTTP;

    /** Lower-case name as written in rule files and logs. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
