package org.nfqwall.rules;

/**
 * Reads the text of an inclusive range of numbers, {@code a} or {@code a-b} with {@code a <= b}:
 * the common part of {@link PortRange} and {@link GreKeyRange}, each of which reads one number
 * its own way. Stateless.
 */
final class RangeText {
    /** Reads one number of the range; {@code whole} is the range's text, for the message. */
    interface NumberReader {
        long read(String number, String whole) throws BadValueException;
    }

    private RangeText() {
    }

    /**
     * The bounds {@code {from, to}} of {@code text}.
     *
     * @param what the range's name in the message, e.g. "port range"
     * @throws BadValueException from {@code reader}, or when {@code a > b}
     */
    static long[] bounds(String text, String what, NumberReader reader) throws BadValueException {
        int dash = text.indexOf('-');
        if (dash < 0) {
            long value = reader.read(text, text);
            return new long[] {value, value};
        }
        long from = reader.read(text.substring(0, dash), text);
        long to = reader.read(text.substring(dash + 1), text);
        if (from > to) {
            throw new BadValueException("bad " + what + " \"" + text + "\": " + from + " is greater than " + to
                    + ", expected \"a-b\" with a <= b");
        }
        return new long[] {from, to};
    }
}
