package org.nfqwall.rules;

/**
 * An inclusive port range from {@code sport:} or {@code dport:}; a single port is a range of one.
 *
 * @param from lowest port, 0..65535
 * @param to highest port, {@code from..65535}
 */
public record PortRange(int from, int to) {
    /** Highest TCP/UDP port: {@value}. */
    public static final int MAX_PORT = 65535;

    /** Parses {@code 8080} or {@code 8000-8080}. */
    static PortRange parse(String text) throws BadValueException {
        long[] bounds = RangeText.bounds(text, "port range", PortRange::port);
        return new PortRange((int) bounds[0], (int) bounds[1]);
    }

    private static long port(String digits, String whole) throws BadValueException {
        boolean ok = !digits.isEmpty() && digits.length() <= 5;
        for (int i = 0; ok && i < digits.length(); i++) {
            ok = digits.charAt(i) >= '0' && digits.charAt(i) <= '9';
        }
        if (!ok || Integer.parseInt(digits) > MAX_PORT) {
            throw new BadValueException("bad port \"" + whole + "\", expected a port 0.." + MAX_PORT
                    + ", a range \"a-b\" with a <= b, or a list of these");
        }
        return Integer.parseInt(digits);
    }

    /** {@code 8080} or {@code 8000-8080}. */
    @Override
    public String toString() {
        return from == to ? Integer.toString(from) : from + "-" + to;
    }
}
