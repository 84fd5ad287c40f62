package org.nfqwall.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A rule's {@code sport:} or {@code dport:} condition: any of some inclusive ranges, kept sorted
 * and merged where they overlap or touch, so a check is a binary search. Immutable.
 */
final class PortCondition {
    /** Merged ranges, ascending and disjoint. */
    private final int[] from;
    private final int[] to;
    private final List<PortRange> ranges;

    PortCondition(List<PortRange> ranges) {
        this.ranges = List.copyOf(ranges);
        List<PortRange> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparingInt(PortRange::from));
        int[] f = new int[sorted.size()];
        int[] t = new int[sorted.size()];
        int n = 0;
        for (PortRange r : sorted) {
            if (n > 0 && r.from() <= t[n - 1] + 1) {
                t[n - 1] = Math.max(t[n - 1], r.to());
            } else {
                f[n] = r.from();
                t[n++] = r.to();
            }
        }
        this.from = java.util.Arrays.copyOf(f, n);
        this.to = java.util.Arrays.copyOf(t, n);
    }

    /** Allocates nothing. */
    boolean matches(int port) {
        int lo = 0;
        int hi = from.length - 1;
        // The last range starting at or below the port is the only one that can hold it.
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (from[mid] <= port) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return hi >= 0 && port <= to[hi];
    }

    /** The ranges as written, in file order. */
    List<PortRange> ranges() {
        return ranges;
    }
}
