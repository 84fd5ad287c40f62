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

    /**
     * What the mark is, in one line for messages and diffs, e.g.
     * {@code 0x10, table 100 via 10.8.0.1 dev wg0, steer 1h max 65536} or {@code 0x6}.
     */
    public String describe() {
        StringBuilder sb = new StringBuilder("0x").append(Integer.toHexString(value));
        if (route != null) {
            sb.append(", table ").append(route.table());
            if (route.via() != null) {
                sb.append(" via ").append(route.via());
            }
            if (route.via6() != null) {
                sb.append(" via6 ").append(route.via6());
            }
            if (route.dev() != null) {
                sb.append(" dev ").append(route.dev());
            }
            if (route.priority() != 0) {
                sb.append(" priority ").append(route.priority());
            }
        }
        if (steering != null) {
            sb.append(", steer ").append(BlockDuration.format(steering.timeoutSeconds()))
                    .append(" max ").append(steering.maxAddresses());
        }
        if (shape != null) {
            sb.append(", shape ").append(shape.rate());
            if (!shape.ceil().equals(shape.rate())) {
                sb.append(" ceil ").append(shape.ceil());
            }
            if (shape.prio() != 0) {
                sb.append(" prio ").append(shape.prio());
            }
        }
        return sb.toString();
    }
}
