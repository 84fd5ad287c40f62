package org.nfqwall.rules;

/**
 * One entry of a rules file's {@code marks:} section: a name for a packet mark, and optionally
 * what the rest of Linux networking does with it (a routing table, a shaping class) and whether
 * nfqwall steers whole connections to it from their first packet. Immutable.
 *
 * @param name     the mark's name, as rules use it in {@code {mark: NAME}}
 * @param value    the mark, non-zero and inside the file's {@code mark_mask}
 * @param line     1-based line of the name in the rules file, for messages
 * @param route    the routing table and route, or null
 * @param shape    the shaping class, or null
 * @param steering how connections are steered from their first packet, or null for none
 */
public record MarkDefinition(String name, int value, int line, MarkRoute route, MarkShape shape,
                             MarkSteering steering) {
    /** A plain named number ({@code shaped: 0x6}), with nothing attached. */
    public static MarkDefinition plain(String name, int value, int line) {
        return new MarkDefinition(name, value, line, null, null, null);
    }
}
