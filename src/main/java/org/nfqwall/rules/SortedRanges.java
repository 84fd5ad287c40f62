package org.nfqwall.rules;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Inclusive ranges of non-negative numbers, sorted and merged where they overlap or touch, so a
 * check is a binary search. The matching core of {@link PortCondition} and
 * {@link GreKeyCondition}. Immutable; {@link #contains} allocates nothing.
 */
final class SortedRanges {
    /** Merged ranges, ascending and disjoint. */
    private final long[] from;
    private final long[] to;

    /** From ranges of any type, in any order, overlapping or not, read through {@code from} and {@code to}. */
    static <T> SortedRanges of(List<T> ranges, ToLongFunction<T> from, ToLongFunction<T> to) {
        long[] froms = new long[ranges.size()];
        long[] tos = new long[ranges.size()];
        for (int i = 0; i < froms.length; i++) {
            froms[i] = from.applyAsLong(ranges.get(i));
            tos[i] = to.applyAsLong(ranges.get(i));
        }
        return new SortedRanges(froms, tos);
    }

    /** From the ranges {@code [froms[i], tos[i]]}, in any order, overlapping or not. */
    SortedRanges(long[] froms, long[] tos) {
        Integer[] order = new Integer[froms.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(froms[a], froms[b]));
        long[] f = new long[froms.length];
        long[] t = new long[froms.length];
        int n = 0;
        for (int i : order) {
            if (n > 0 && froms[i] <= t[n - 1] + 1) {
                t[n - 1] = Math.max(t[n - 1], tos[i]);
            } else {
                f[n] = froms[i];
                t[n++] = tos[i];
            }
        }
        this.from = Arrays.copyOf(f, n);
        this.to = Arrays.copyOf(t, n);
    }

    /** Allocates nothing. */
    boolean contains(long value) {
        int lo = 0;
        int hi = from.length - 1;
        // The last range starting at or below the value is the only one that can hold it.
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (from[mid] <= value) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return hi >= 0 && value <= to[hi];
    }
}
