package org.nfqwall.rules;

import java.util.List;

/**
 * A rule's {@code sport:} or {@code dport:} condition: any of some inclusive ranges, kept sorted
 * and merged where they overlap or touch, so a check is a binary search. Immutable.
 */
final class PortCondition {
    private final SortedRanges sorted;
    private final List<PortRange> ranges;

    PortCondition(List<PortRange> ranges) {
        this.ranges = List.copyOf(ranges);
        this.sorted = SortedRanges.of(ranges, PortRange::from, PortRange::to);
    }

    /** Allocates nothing. */
    boolean matches(int port) {
        return sorted.contains(port);
    }

    /** The ranges as written, in file order. */
    List<PortRange> ranges() {
        return ranges;
    }
}
