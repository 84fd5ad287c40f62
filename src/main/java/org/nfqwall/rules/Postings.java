package org.nfqwall.rules;

import java.util.Arrays;

/**
 * For each key of an index (a dense key id from a {@link RegionTable} or {@link PrefixTable}),
 * the rules filed under it: ascending rule indexes, without duplicates, all lists laid end to end
 * in one array ({@code ids[start[k]] .. ids[start[k + 1] - 1]}), so a million keys cost two int
 * arrays rather than a million small ones.
 *
 * <p>Immutable once built; safe to read from many threads.
 */
final class Postings {
    static final Postings EMPTY = new Builder().build(0);

    final int[] start;
    final int[] ids;

    private Postings(int[] start, int[] ids) {
        this.start = start;
        this.ids = ids;
    }

    /** Collects (key, rule) pairs; rules must be added in ascending order. Not thread-safe. */
    static final class Builder {
        private int[] keys = new int[16];
        private int[] rules = new int[16];
        private int size;
        /** Per key, the last rule added, to drop a rule that lists two patterns with one key. */
        private int[] last = new int[16];

        void add(int key, int rule) {
            if (key >= last.length) {
                int old = last.length;
                last = Arrays.copyOf(last, Math.max(key + 1, old * 2));
                Arrays.fill(last, old, last.length, -1);
            } else if (last[key] == rule) {
                return;
            }
            last[key] = rule;
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, size * 2);
                rules = Arrays.copyOf(rules, size * 2);
            }
            keys[size] = key;
            rules[size++] = rule;
        }

        Builder() {
            Arrays.fill(last, -1);
        }

        /** Lays the lists out; {@code keyCount} is the number of dense key ids. */
        Postings build(int keyCount) {
            int[] start = new int[keyCount + 1];
            for (int i = 0; i < size; i++) {
                start[keys[i] + 1]++;
            }
            for (int k = 0; k < keyCount; k++) {
                start[k + 1] += start[k];
            }
            int[] fill = Arrays.copyOf(start, keyCount);
            int[] ids = new int[size];
            // Pairs arrive in rule order, so each key's list comes out ascending.
            for (int i = 0; i < size; i++) {
                ids[fill[keys[i]]++] = rules[i];
            }
            return new Postings(start, ids);
        }
    }
}
