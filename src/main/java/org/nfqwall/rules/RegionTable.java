package org.nfqwall.rules;

import java.util.Arrays;

/**
 * A set of strings, each given a dense id (0, 1, 2, ... in order of first {@link #add}), that is
 * looked up by a region of another string without cutting that region out: the caller passes the
 * region's bounds and its {@link #hash}, which it can compute incrementally while walking the
 * string (left to right for the prefixes of a path, right to left for the suffixes of a host), so
 * a lookup allocates nothing and hashes each character once.
 *
 * <p>Open addressing with linear probing, at most half full. Keys compare ASCII-case-insensitively
 * or exactly, as chosen at construction; the hash always folds ASCII case, so both kinds share it.
 * Built on the control path, then only read: safe to read from many threads once published
 * through a final field.
 */
final class RegionTable {
    private static final int EMPTY = -1;

    private final boolean ignoreCase;
    private int[] slots;
    private String[] keys;
    private int[] hashes;
    private int size;
    private int longest;

    RegionTable(boolean ignoreCase, int expected) {
        this.ignoreCase = ignoreCase;
        int capacity = Integer.highestOneBit(Math.max(8, expected) * 2 - 1) << 1;
        slots = new int[capacity];
        Arrays.fill(slots, EMPTY);
        keys = new String[Math.max(4, expected)];
        hashes = new int[keys.length];
    }

    /** The hash of {@code s[from, to)}: polynomial base 31 over the ASCII-lower-cased characters. */
    static int hash(CharSequence s, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + lower(s.charAt(i));
        }
        return h;
    }

    static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    /** Adds {@code key} unless present; returns its dense id. */
    int add(String key) {
        int h = hash(key, 0, key.length());
        int found = find(key, 0, key.length(), h);
        if (found >= 0) {
            return found;
        }
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            hashes = Arrays.copyOf(hashes, size * 2);
        }
        if ((size + 1) * 2 > slots.length) {
            rehash(slots.length * 2);
        }
        keys[size] = key;
        hashes[size] = h;
        place(size, h);
        longest = Math.max(longest, key.length());
        return size++;
    }

    /** The dense id of the key equal to {@code s[from, to)} whose {@link #hash} is {@code h}, or -1. Allocates nothing. */
    int find(String s, int from, int to, int h) {
        int len = to - from;
        if (len > longest) {
            return -1;
        }
        int mask = slots.length - 1;
        for (int i = spread(h) & mask; ; i = (i + 1) & mask) {
            int id = slots[i];
            if (id == EMPTY) {
                return -1;
            }
            String k = keys[id];
            if (hashes[id] == h && k.length() == len && s.regionMatches(ignoreCase, from, k, 0, len)) {
                return id;
            }
        }
    }

    /** Number of keys. */
    int size() {
        return size;
    }

    /** Length of the longest key (0 when empty): regions longer than this are never looked up. */
    int longest() {
        return longest;
    }

    /** The key with dense id {@code id}. */
    String key(int id) {
        return keys[id];
    }

    /** Drops spare capacity of the key arrays once building is done. */
    void trim() {
        keys = Arrays.copyOf(keys, size);
        hashes = Arrays.copyOf(hashes, size);
    }

    private void rehash(int capacity) {
        slots = new int[capacity];
        Arrays.fill(slots, EMPTY);
        for (int id = 0; id < size; id++) {
            place(id, hashes[id]);
        }
    }

    private void place(int id, int h) {
        int mask = slots.length - 1;
        int i = spread(h) & mask;
        while (slots[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        slots[i] = id;
    }

    /** Mixes the high bits in, since a polynomial hash of short texts varies little in its low ones. */
    private static int spread(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
