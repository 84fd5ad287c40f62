package org.nfqwall.rules;

import java.util.List;

/**
 * A rule's {@code gre_key:} condition: the flow came inside a GRE tunnel whose header carries a
 * key in one of some inclusive ranges. Traffic outside a tunnel, and tunnelled traffic without a
 * key, never matches (a missing fact never matches). Immutable.
 */
final class GreKeyCondition {
    private final SortedRanges sorted;
    private final List<GreKeyRange> ranges;

    GreKeyCondition(List<GreKeyRange> ranges) {
        this.ranges = List.copyOf(ranges);
        this.sorted = SortedRanges.of(ranges, GreKeyRange::from, GreKeyRange::to);
    }

    /** Allocates nothing. */
    boolean matches(Facts f) {
        return f.greKeyPresent && sorted.contains(f.greKey);
    }

    /** The ranges as written, in file order. */
    List<GreKeyRange> ranges() {
        return ranges;
    }
}
