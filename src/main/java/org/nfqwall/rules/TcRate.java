package org.nfqwall.rules;

import java.util.Locale;

/**
 * Parses a rate the way {@code tc} reads one: a number (decimals allowed) and a unit, bits per
 * second ({@code bit}, {@code kbit}, {@code mbit}, {@code gbit}, {@code tbit}, and the binary
 * {@code kibit} ... {@code tibit}) or bytes per second ({@code bps}, {@code kbps}, {@code mbps},
 * {@code gbps}, {@code tbps}, and {@code kibps} ... {@code tibps}), as tc(8) "RATES" lists them.
 * A unit is required: tc reads a bare number as bytes per second, which nobody means. Stateless.
 */
public final class TcRate {
    /** Lowest rate: {@value} bits per second (HTB cannot shape below about this). */
    public static final long MIN_BITS = 8;
    /** Highest rate: {@value} bits per second (100 Tbit/s; tc keeps 64-bit rates). */
    public static final long MAX_BITS = 100_000_000_000_000L;

    private static final String EXPECTED = ", expected a number and a unit like 500kbit, 2mbit, 1gbit or 100kbps";

    private TcRate() {
    }

    /**
     * Bits per second in {@code text}.
     *
     * @throws BadValueException saying what is wrong and what is expected
     */
    public static long parseBits(String text) throws BadValueException {
        String t = text.strip().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.')) {
            i++;
        }
        if (i == 0 || i == t.length()) {
            throw new BadValueException("rate " + YamlValues.quote(text) + (i == 0 ? " has no number" : " has no unit")
                    + EXPECTED);
        }
        double number;
        try {
            number = Double.parseDouble(t.substring(0, i));
        } catch (NumberFormatException e) {
            throw new BadValueException("rate " + YamlValues.quote(text) + " has a bad number" + EXPECTED);
        }
        double factor = unitBits(t.substring(i));
        if (factor == 0) {
            throw new BadValueException("rate " + YamlValues.quote(text) + " has an unknown unit "
                    + YamlValues.quote(t.substring(i)) + EXPECTED);
        }
        double bits = number * factor;
        if (bits < MIN_BITS || bits > MAX_BITS) {
            throw new BadValueException("rate " + YamlValues.quote(text) + " is out of range, expected "
                    + MIN_BITS + "bit to 100tbit");
        }
        return (long) bits;
    }

    /** Bits per second of one unit, or 0 when tc does not know it. */
    private static double unitBits(String unit) {
        boolean bytes = unit.endsWith("bps");
        if (!bytes && !unit.endsWith("bit")) {
            return 0;
        }
        String prefix = unit.substring(0, unit.length() - 3);
        double scale = switch (prefix) {
            case "" -> 1;
            case "k" -> 1e3;
            case "m" -> 1e6;
            case "g" -> 1e9;
            case "t" -> 1e12;
            case "ki" -> 1024;
            case "mi" -> 1024.0 * 1024;
            case "gi" -> 1024.0 * 1024 * 1024;
            case "ti" -> 1024.0 * 1024 * 1024 * 1024;
            default -> 0;
        };
        return bytes ? scale * 8 : scale;
    }
}
