package org.nfqwall.rules;

/**
 * The application protocol recognised on a flow, as rules see it ({@code protocol:} key).
 *
 * <p>{@link #UNKNOWN} covers bytes that no inspector recognised (or found malformed) on an
 * inspected port, and request heads larger than the inspection limit. {@link #TLS} and
 * {@link #QUIC} mean a ClientHello was read ({@link Facts#helloSeen}); {@link #BITTORRENT} means a
 * BitTorrent handshake was recognised.
 */
public enum Protocol {
    UNKNOWN, HTTP, TLS, QUIC, BITTORRENT;

    /** Lower-case name as written in rule files and logs. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
