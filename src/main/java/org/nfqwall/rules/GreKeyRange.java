package org.nfqwall.rules;

import java.util.Locale;

/**
 * An inclusive range of GRE keys from {@code gre_key:} (RFC 2890 section 2.1: a 32-bit field,
 * read unsigned); a single key is a range of one.
 *
 * @param from lowest key, 0..{@value #MAX_KEY}
 * @param to highest key, {@code from..}{@value #MAX_KEY}
 */
public record GreKeyRange(long from, long to) {
    /** Highest GRE key: {@value}. */
    public static final long MAX_KEY = 0xFFFF_FFFFL;

    /** Parses {@code 22}, {@code 0x16}, {@code 100-199} or {@code 0x100-0x1ff}. */
    static GreKeyRange parse(String text) throws BadValueException {
        long[] bounds = RangeText.bounds(text, "GRE key range", GreKeyRange::key);
        return new GreKeyRange(bounds[0], bounds[1]);
    }

    private static long key(String number, String whole) throws BadValueException {
        String lower = number.toLowerCase(Locale.ROOT);
        boolean hex = lower.startsWith("0x");
        String digits = hex ? lower.substring(2) : lower;
        // At most 8 hex or 10 decimal digits: anything longer cannot be a 32-bit key and might overflow.
        boolean ok = !digits.isEmpty() && digits.length() <= (hex ? 8 : 10);
        for (int i = 0; ok && i < digits.length(); i++) {
            char c = digits.charAt(i);
            ok = c >= '0' && c <= '9' || hex && c >= 'a' && c <= 'f';
        }
        long value = ok ? Long.parseLong(digits, hex ? 16 : 10) : -1;
        if (value < 0 || value > MAX_KEY) {
            throw new BadValueException("bad GRE key \"" + whole + "\", expected a key 0.." + MAX_KEY
                    + " (decimal or 0x hex), a range \"a-b\" with a <= b, or a list of these");
        }
        return value;
    }

    /** {@code 22} or {@code 100-199}, in decimal. */
    @Override
    public String toString() {
        return from == to ? Long.toString(from) : from + "-" + to;
    }
}
