package org.nfqwall.gen;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An inclusive range of TCP or UDP ports, {@code from} to {@code to}; a single port has
 * {@code from == to}. Immutable.
 */
public record PortRange(int from, int to) {
    /** Lowest port a rule may name: {@value} (port 0 is never a real service). */
    public static final int MIN_PORT = 1;
    /** Highest port: {@value}. */
    public static final int MAX_PORT = 65535;

    private static final String EXPECTED =
            "expected PORT or FROM-TO (ports " + MIN_PORT + "-" + MAX_PORT
                    + ") separated by commas, e.g. 80,8080,8000-8100";
    // Both '-' (ours) and ':' (iptables' own) separate a range; 1 to 5 digits keeps the
    // number parse from overflowing, the range check below does the rest.
    private static final Pattern ITEM = Pattern.compile("(\\d{1,5})(?:\\s*[-:]\\s*(\\d{1,5}))?");

    /** Checks the bounds; throws {@link IllegalArgumentException} saying what to fix. */
    public PortRange {
        checkPort(from);
        checkPort(to);
        if (from > to) {
            throw new IllegalArgumentException("range " + from + "-" + to
                    + " runs backwards; expected FROM <= TO, e.g. " + to + "-" + from);
        }
    }

    /** A range holding one port. */
    public static PortRange of(int port) {
        return new PortRange(port, port);
    }

    /**
     * Parses a comma-separated list such as {@code 80,8080,8000-8100} (spaces around items are
     * allowed, {@code :} works like {@code -}). Rejects empty items, non-numbers, ports outside
     * {@value #MIN_PORT}-{@value #MAX_PORT}, backwards ranges and overlapping items, each with
     * the item's position and what is expected.
     */
    public static List<PortRange> parseList(String text) {
        Objects.requireNonNull(text, "port list");
        if (text.isBlank()) {
            throw new IllegalArgumentException("port list is empty; " + EXPECTED);
        }
        String[] items = text.split(",", -1);
        List<PortRange> ranges = new ArrayList<>(items.length);
        for (int i = 0; i < items.length; i++) {
            String item = items[i].strip();
            String where = "port list \"" + text + "\": item " + (i + 1);
            if (item.isEmpty()) {
                throw new IllegalArgumentException(where + " is empty; " + EXPECTED);
            }
            Matcher m = ITEM.matcher(item);
            if (!m.matches()) {
                throw new IllegalArgumentException(where + " \"" + item + "\" is not a port or range; "
                        + EXPECTED);
            }
            int from = Integer.parseInt(m.group(1));
            int to = m.group(2) == null ? from : Integer.parseInt(m.group(2));
            PortRange range;
            try {
                range = new PortRange(from, to);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
            for (int j = 0; j < ranges.size(); j++) {
                if (ranges.get(j).overlaps(range)) {
                    throw new IllegalArgumentException(where + " (" + range + ") overlaps item " + (j + 1)
                            + " (" + ranges.get(j) + "); list each port once");
                }
            }
            ranges.add(range);
        }
        return List.copyOf(ranges);
    }

    /** True if the two ranges share at least one port. */
    public boolean overlaps(PortRange other) {
        return from <= other.to && other.from <= to;
    }

    /** This range as iptables' multiport match writes it: {@code 80} or {@code 8000:8100}. */
    public String multiportSyntax() {
        return from == to ? Integer.toString(from) : from + ":" + to;
    }

    /**
     * How many of the multiport match's entries this range takes: a range takes two (its ends),
     * a single port one.
     */
    public int multiportSlots() {
        return from == to ? 1 : 2;
    }

    /** This range as {@link #parseList} reads it: {@code 80} or {@code 8000-8100}. */
    @Override
    public String toString() {
        return from == to ? Integer.toString(from) : from + "-" + to;
    }

    private static void checkPort(int port) {
        if (port < MIN_PORT || port > MAX_PORT) {
            throw new IllegalArgumentException("port " + port + " is out of range; expected "
                    + MIN_PORT + "-" + MAX_PORT);
        }
    }
}
