package org.nfqwall.gen;

import java.util.ArrayList;
import java.util.List;

/**
 * A test-only interpreter of iptables' u32 language, following iptables-extensions(8) and the
 * kernel's xt_u32.c: registers A (position, starting at the IP header) and C (the value);
 * {@code number} reads 4 bytes at A + number, {@code &}, {@code <<}, {@code >>} work on C,
 * {@code @n} adds C to A and reads at A + n; any read not wholly inside the packet fails the
 * whole match. It also enforces the parser's limits (XT_U32_MAXSIZE: 10 tests, 10 values per
 * test, 10 numbers per location), so a generated expression iptables would refuse fails here.
 */
final class U32Interpreter {
    private static final int MAX = 10;
    private static final long U32 = 0xFFFF_FFFFL;

    private record Step(char op, long number) {
    }

    private record Test(List<Step> location, List<long[]> ranges) {
    }

    private final List<Test> tests = new ArrayList<>();

    U32Interpreter(String expression) {
        for (String test : expression.replace(" ", "").split("&&", -1)) {
            String[] sides = test.split("=", -1);
            if (sides.length != 2) {
                throw new IllegalArgumentException("not location=value: " + test);
            }
            tests.add(new Test(location(sides[0]), ranges(sides[1])));
        }
        if (tests.size() > MAX) {
            throw new IllegalArgumentException(tests.size() + " tests; iptables takes " + MAX);
        }
    }

    private static List<Step> location(String text) {
        List<Step> steps = new ArrayList<>();
        int i = 0;
        char op = ' ';
        while (true) {
            int end = i;
            while (end < text.length() && "&<>@".indexOf(text.charAt(end)) < 0) {
                end++;
            }
            steps.add(new Step(op, number(text.substring(i, end))));
            if (end == text.length()) {
                break;
            }
            op = text.charAt(end);
            i = end + (op == '<' || op == '>' ? 2 : 1);
        }
        if (steps.size() > MAX) {
            throw new IllegalArgumentException(steps.size() + " numbers in location " + text);
        }
        return steps;
    }

    private static List<long[]> ranges(String text) {
        List<long[]> ranges = new ArrayList<>();
        for (String range : text.split(",", -1)) {
            String[] ends = range.split(":", -1);
            ranges.add(new long[] {number(ends[0]), number(ends[ends.length - 1])});
        }
        if (ranges.size() > MAX) {
            throw new IllegalArgumentException(ranges.size() + " values; iptables takes " + MAX);
        }
        return ranges;
    }

    private static long number(String text) {
        long n = text.startsWith("0x") ? Long.parseLong(text.substring(2), 16) : Long.parseLong(text);
        if (n < 0 || n > U32) {
            throw new IllegalArgumentException("not a u32 number: " + text);
        }
        return n;
    }

    /** True if every test holds for {@code packet}, which starts at the IP header. */
    boolean matches(byte[] packet) {
        long len = packet.length;
        for (Test test : tests) {
            long at = 0;
            long pos = test.location().get(0).number();
            if (len < 4 || pos > len - 4) {
                return false;
            }
            long val = read(packet, at + pos);
            for (Step step : test.location().subList(1, test.location().size())) {
                switch (step.op()) {
                    case '&' -> val &= step.number();
                    case '<' -> val = (val << step.number()) & U32;
                    case '>' -> val >>>= step.number();
                    case '@' -> {
                        if (at + val > U32) {
                            return false;
                        }
                        at += val;
                        pos = step.number();
                        if (at + 4 > U32 || len < at + 4 || pos > len - at - 4) {
                            return false;
                        }
                        val = read(packet, at + pos);
                    }
                    default -> throw new IllegalStateException("operator " + step.op());
                }
            }
            long v = val;
            if (test.ranges().stream().noneMatch(r -> r[0] <= v && v <= r[1])) {
                return false;
            }
        }
        return true;
    }

    private static long read(byte[] p, long offset) {
        int o = (int) offset;
        return ((p[o] & 0xFFL) << 24) | ((p[o + 1] & 0xFFL) << 16) | ((p[o + 2] & 0xFFL) << 8) | (p[o + 3] & 0xFFL);
    }
}
