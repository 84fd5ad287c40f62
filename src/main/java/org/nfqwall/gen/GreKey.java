package org.nfqwall.gen;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One item of a GRE key list: a single 32-bit key, an inclusive range {@code from-to}, or a
 * {@code value/mask} pair (the key's bits under the mask equal the value). Keys are unsigned
 * and held in a {@code long}, 0 to {@value #MAX}. Immutable.
 *
 * <p>Numbers are decimal, {@code 0x} hexadecimal, or dotted quad ({@code 1.2.3.4} is
 * {@code 0x01020304}), the three forms {@code ip tunnel add ... key K} accepts.
 */
public record GreKey(long from, long to, long mask) {
    /** The largest key: {@value} (32 bits, unsigned). */
    public static final long MAX = 0xFFFF_FFFFL;
    /** What one item may look like, for error messages. */
    static final String EXPECTED = "expected KEY, FROM-TO or KEY/MASK separated by commas (each number"
            + " 0-4294967295, decimal, 0x hex or dotted quad), e.g. 1,100-200,0x1200/0xff00";

    private static final Pattern NUMBER = Pattern.compile(
            "0[xX]([0-9a-fA-F]{1,8})|(\\d{1,10})|(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern RANGE = Pattern.compile("([^-:/]+?)\\s*[-:]\\s*([^-:/]+)");
    private static final Pattern MASKED = Pattern.compile("([^-:/]+?)\\s*/\\s*([^-:/]+)");

    /** Checks the fields; throws {@link IllegalArgumentException} saying what to fix. */
    public GreKey {
        check(from);
        check(to);
        check(mask);
        if (from > to) {
            throw new IllegalArgumentException("range " + from + "-" + to
                    + " runs backwards; expected FROM <= TO, e.g. " + to + "-" + from);
        }
        if (mask != MAX && from != to) {
            throw new IllegalArgumentException("a range cannot have a mask; write FROM-TO or KEY/MASK");
        }
        if ((from & ~mask) != 0) {
            throw new IllegalArgumentException("key " + hex(from) + " has bits outside mask " + hex(mask)
                    + " (" + hex(from & ~mask) + "), so no key could ever match; expected KEY & MASK == KEY,"
                    + " e.g. " + hex(from & mask) + "/" + hex(mask));
        }
    }

    /** A single key. */
    public static GreKey of(long key) {
        return new GreKey(key, key, MAX);
    }

    /**
     * Parses one item: {@code 7}, {@code 100-200} (or {@code 100:200}), {@code 0x1200/0xff00}.
     * The message of the exception it throws says what is wrong with the item, without naming it.
     */
    public static GreKey parse(String item) {
        Matcher m = MASKED.matcher(item);
        if (m.matches()) {
            return new GreKey(number(m.group(1)), number(m.group(1)), number(m.group(2)));
        }
        m = RANGE.matcher(item);
        if (m.matches()) {
            return new GreKey(number(m.group(1)), number(m.group(2)), MAX);
        }
        return of(number(item));
    }

    /** True if this item is a value under a mask other than all 32 bits. */
    public boolean masked() {
        return mask != MAX;
    }

    /** True if some key matches both items (for masked items: only when both are the same). */
    public boolean overlaps(GreKey other) {
        if (masked() || other.masked()) {
            return equals(other);
        }
        return from <= other.to && other.from <= to;
    }

    /** The value set as u32 writes it, as iptables prints it back: {@code 0x7} or {@code 0x64:0xc8}. */
    String u32Value() {
        return from == to ? hex(from) : hex(from) + ":" + hex(to);
    }

    /**
     * This item as value/mask pairs, for matchers that know no ranges (tc's u32): a range
     * becomes the fewest aligned power-of-two blocks that cover exactly it (at most 62).
     */
    List<long[]> valueMaskPairs() {
        if (masked() || from == to) {
            return List.of(new long[] {from, mask});
        }
        List<long[]> blocks = new ArrayList<>();
        long low = from;
        while (low <= to) {
            long size = low == 0 ? 1L << 32 : Long.lowestOneBit(low);
            while (low + size - 1 > to) {
                size >>= 1;
            }
            blocks.add(new long[] {low, MAX & ~(size - 1)});
            low += size;
        }
        return blocks;
    }

    /** This item as {@link #parse} reads it, numbers in hex: {@code 0x7}, {@code 0x64-0xc8}, {@code 0x1200/0xff00}. */
    @Override
    public String toString() {
        if (masked()) {
            return hex(from) + "/" + hex(mask);
        }
        return from == to ? hex(from) : hex(from) + "-" + hex(to);
    }

    /** A key as u32 and iptables print it: lower-case hex with {@code 0x}, as {@link IptablesOptions#hex} writes marks. */
    static String hex(long value) {
        return IptablesOptions.hex((int) value); // keys are 32 bits, printed unsigned
    }

    private static long number(String text) {
        String t = text.strip();
        Matcher m = NUMBER.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + t + "\" is not a key; " + EXPECTED);
        }
        if (m.group(1) != null) {
            return Long.parseLong(m.group(1), 16);
        }
        if (m.group(2) != null) {
            long n = Long.parseLong(m.group(2));
            if (n > MAX) {
                throw new IllegalArgumentException("key " + t + " is larger than 32 bits; expected 0-" + MAX);
            }
            return n;
        }
        long n = 0;
        for (int i = 3; i <= 6; i++) {
            int octet = Integer.parseInt(m.group(i));
            if (octet > 255) {
                throw new IllegalArgumentException("\"" + t + "\": dotted quad part " + octet + " is larger than 255");
            }
            n = n << 8 | octet;
        }
        return n;
    }

    private static void check(long value) {
        if (value < 0 || value > MAX) {
            throw new IllegalArgumentException("key " + value + " is out of range; expected 0-" + MAX);
        }
    }
}
