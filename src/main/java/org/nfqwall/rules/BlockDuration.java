package org.nfqwall.rules;

/**
 * Parses the length of a timed block: a whole number followed by {@code s}, {@code m}, {@code h}
 * or {@code d} ({@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}), and prints seconds back in that
 * form. Stateless.
 */
public final class BlockDuration {
    /**
     * Longest block: {@value} seconds (24 days). The kernel's ipset timeouts end a little beyond
     * 49 days (milliseconds in 32 bits); 24 days keeps every entry well inside them.
     */
    public static final long MAX_SECONDS = 24L * 24 * 3600;

    private BlockDuration() {
    }

    /**
     * Seconds in {@code text}.
     *
     * @throws IllegalArgumentException saying what is wrong and what is expected
     */
    public static long parseSeconds(String text) {
        String expected = ", expected a whole number and a unit like 30s, 10m, 2h or 1d (at most 24d)";
        if (text == null || text.length() < 2 || text.length() > 12) {
            throw new IllegalArgumentException("duration \"" + text + "\" is not valid" + expected);
        }
        long unit = switch (text.charAt(text.length() - 1)) {
            case 's' -> 1;
            case 'm' -> 60;
            case 'h' -> 3600;
            case 'd' -> 86400;
            default -> throw new IllegalArgumentException("duration \"" + text + "\" has no unit" + expected);
        };
        long n = 0;
        for (int i = 0; i < text.length() - 1; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("duration \"" + text + "\" is not valid" + expected);
            }
            n = n * 10 + (c - '0');
        }
        long seconds = n * unit;
        if (seconds < 1 || seconds > MAX_SECONDS) {
            throw new IllegalArgumentException("duration \"" + text + "\" is out of range" + expected);
        }
        return seconds;
    }

    /** {@code 1d2h}, {@code 9m05s}, {@code 42s}: for listing how long a block has left. */
    public static String format(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format("%dm%02ds", seconds / 60, seconds % 60);
        }
        if (seconds < 86400) {
            return String.format("%dh%02dm", seconds / 3600, seconds % 3600 / 60);
        }
        return String.format("%dd%02dh", seconds / 86400, seconds % 86400 / 3600);
    }
}
