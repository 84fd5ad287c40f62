package org.nfqwall.rules;

import java.util.Arrays;

/**
 * The candidate lists of one lookup and a cursor in each: a k-way merge that hands out rule
 * indexes in ascending order, each once, so the first candidate that verifies is the first rule
 * that matches. With k lists (a few in practice) each step is one pass over the k heads; no heap
 * is needed.
 *
 * <p>One instance per thread ({@link #forThisThread}), reused by every lookup on that thread, so
 * a lookup allocates nothing once the arrays have grown to the largest lookup seen. Not
 * thread-safe, not re-entrant.
 */
final class MatchScratch {
    private static final ThreadLocal<MatchScratch> PER_THREAD = ThreadLocal.withInitial(MatchScratch::new);
    /** Lists a lookup starts with room for; more grow the arrays once. */
    private static final int INITIAL_LISTS = 32;

    private int[][] lists = new int[INITIAL_LISTS][];
    private int[] pos = new int[INITIAL_LISTS];
    private int[] end = new int[INITIAL_LISTS];
    private int count;

    /**
     * This thread's scratch, emptied. The lists a previous lookup left unspent (it stopped at its
     * first match) are let go here, so a replaced rule set is not kept alive by a cursor.
     */
    static MatchScratch forThisThread() {
        MatchScratch s = PER_THREAD.get();
        Arrays.fill(s.lists, 0, s.count, null);
        s.count = 0;
        return s;
    }

    /** Adds the candidates {@code ids[from, to)}, ascending; an empty range is ignored. */
    void add(int[] ids, int from, int to) {
        if (from >= to) {
            return;
        }
        if (count == lists.length) {
            lists = Arrays.copyOf(lists, count * 2);
            pos = Arrays.copyOf(pos, count * 2);
            end = Arrays.copyOf(end, count * 2);
        }
        lists[count] = ids;
        pos[count] = from;
        end[count++] = to;
    }

    /** Adds the list of key {@code key} in {@code p}; a negative key (not found) is ignored. */
    void add(Postings p, int key) {
        if (key >= 0) {
            add(p.ids, p.start[key], p.start[key + 1]);
        }
    }

    /** The smallest candidate not yet handed out, or -1 when all lists are spent. */
    int next() {
        int min = Integer.MAX_VALUE;
        for (int i = 0; i < count; i++) {
            int head = lists[i][pos[i]];
            if (head < min) {
                min = head;
            }
        }
        if (min == Integer.MAX_VALUE) {
            return -1;
        }
        for (int i = 0; i < count; i++) {
            if (lists[i][pos[i]] == min && ++pos[i] == end[i]) {
                // Spent: move the last list into its place and look at that one again.
                count--;
                if (i != count) {
                    lists[i] = lists[count];
                    pos[i] = pos[count];
                    end[i] = end[count];
                    i--;
                }
                lists[count] = null;
            }
        }
        return min;
    }
}
