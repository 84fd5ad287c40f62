package org.nfqwall.rules;

import java.util.Arrays;

/**
 * A set of 128-bit address prefixes (IPv4 held IPv4-mapped, as {@link Facts} holds addresses),
 * each given a dense id in order of first {@link #add}, and the question "which of them contain
 * this address?".
 *
 * <p>Equivalent to a binary prefix tree, stored flat: the prefixes containing an address are, for
 * each prefix length L that occurs in the set, the address cut to L bits, if present. So a lookup
 * is one hash probe per distinct length (at most 129, in practice a handful: /32, /24, /16,
 * /128, /64), ascending, with no pointer chasing and one object per table instead of one per tree
 * node. Open addressing over (network, length), at most half full.
 *
 * <p>Built on the control path, then only read: safe to read from many threads once published
 * through a final field. Lookups allocate nothing.
 */
final class PrefixTable {
    private static final int EMPTY = -1;

    private int[] slots;
    private long[] netHi;
    private long[] netLo;
    private byte[] bits;
    private int size;
    /** Distinct prefix lengths, ascending, and their masks; see {@link #lengthCount()}. */
    private int[] lengths = new int[0];
    private long[] maskHi = new long[0];
    private long[] maskLo = new long[0];

    PrefixTable(int expected) {
        int capacity = Integer.highestOneBit(Math.max(8, expected) * 2 - 1) << 1;
        slots = new int[capacity];
        Arrays.fill(slots, EMPTY);
        int n = Math.max(4, expected);
        netHi = new long[n];
        netLo = new long[n];
        bits = new byte[n];
    }

    /** The length in bits (0..128) of a prefix given by its mask. */
    static int length(AddressPrefix p) {
        return Long.bitCount(p.maskHi()) + Long.bitCount(p.maskLo());
    }

    /** Adds a prefix unless present; returns its dense id. */
    int add(AddressPrefix p) {
        int len = length(p);
        int found = find(p.hi(), p.lo(), len);
        if (found >= 0) {
            return found;
        }
        if (size == netHi.length) {
            netHi = Arrays.copyOf(netHi, size * 2);
            netLo = Arrays.copyOf(netLo, size * 2);
            bits = Arrays.copyOf(bits, size * 2);
        }
        if ((size + 1) * 2 > slots.length) {
            rehash(slots.length * 2);
        }
        netHi[size] = p.hi();
        netLo[size] = p.lo();
        bits[size] = (byte) len;
        place(size);
        addLength(len, p.maskHi(), p.maskLo());
        return size++;
    }

    /** Number of distinct prefix lengths: the probes a lookup makes. */
    int lengthCount() {
        return lengths.length;
    }

    /**
     * The id of the prefix with the {@code k}-th shortest length present that contains the
     * address, or -1. Allocates nothing.
     */
    int findAt(int k, long hi, long lo) {
        return find(hi & maskHi[k], lo & maskLo[k], lengths[k]);
    }

    /** True when any prefix contains the address. Allocates nothing. */
    boolean contains(long hi, long lo) {
        for (int k = 0; k < lengths.length; k++) {
            if (findAt(k, hi, lo) >= 0) {
                return true;
            }
        }
        return false;
    }

    int size() {
        return size;
    }

    private int find(long hi, long lo, int len) {
        int mask = slots.length - 1;
        for (int i = slot(hi, lo, len) & mask; ; i = (i + 1) & mask) {
            int id = slots[i];
            if (id == EMPTY) {
                return -1;
            }
            if (netLo[id] == lo && netHi[id] == hi && bits[id] == (byte) len) {
                return id;
            }
        }
    }

    private void addLength(int len, long mHi, long mLo) {
        int at = Arrays.binarySearch(lengths, len);
        if (at >= 0) {
            return;
        }
        int ins = -at - 1;
        lengths = insert(lengths, ins, len);
        maskHi = insert(maskHi, ins, mHi);
        maskLo = insert(maskLo, ins, mLo);
    }

    private static int[] insert(int[] a, int at, int v) {
        int[] out = new int[a.length + 1];
        System.arraycopy(a, 0, out, 0, at);
        out[at] = v;
        System.arraycopy(a, at, out, at + 1, a.length - at);
        return out;
    }

    private static long[] insert(long[] a, int at, long v) {
        long[] out = new long[a.length + 1];
        System.arraycopy(a, 0, out, 0, at);
        out[at] = v;
        System.arraycopy(a, at, out, at + 1, a.length - at);
        return out;
    }

    private void rehash(int capacity) {
        slots = new int[capacity];
        Arrays.fill(slots, EMPTY);
        for (int id = 0; id < size; id++) {
            place(id);
        }
    }

    private void place(int id) {
        int mask = slots.length - 1;
        int i = slot(netHi[id], netLo[id], bits[id] & 0xFF) & mask;
        while (slots[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        slots[i] = id;
    }

    private static int slot(long hi, long lo, int len) {
        long h = (hi * 0x9E3779B97F4A7C15L) ^ Long.rotateLeft(lo * 0xC2B2AE3D27D4EB4FL, 31) ^ len;
        h *= 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
