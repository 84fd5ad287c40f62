package org.nfqwall.rules;


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
        long value = YamlValues.parseNumber(number);
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
