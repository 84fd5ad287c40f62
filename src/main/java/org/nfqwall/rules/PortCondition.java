package org.nfqwall.rules;

import java.util.List;

/** A rule's {@code sport:} or {@code dport:} condition: any of some inclusive ranges. Immutable. */
final class PortCondition {
    private final int[] from;
    private final int[] to;
    private final List<PortRange> ranges;

    PortCondition(List<PortRange> ranges) {
        this.ranges = List.copyOf(ranges);
        this.from = ranges.stream().mapToInt(PortRange::from).toArray();
        this.to = ranges.stream().mapToInt(PortRange::to).toArray();
    }

    /** Allocates nothing. */
    boolean matches(int port) {
        for (int i = 0; i < from.length; i++) {
            if (port >= from[i] && port <= to[i]) {
                return true;
            }
        }
        return false;
    }

    List<PortRange> ranges() {
        return ranges;
    }
}
