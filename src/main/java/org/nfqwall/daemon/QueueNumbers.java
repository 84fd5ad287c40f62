package org.nfqwall.daemon;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A set of NFQUEUE numbers as {@code nfqwall run --queues} and {@code nfqwall iptables --queues}
 * take it: {@code N}, {@code A-B} or a comma list of those, e.g. {@code 0-3} or {@code 4,6,10-11}.
 * Immutable; the numbers are kept in ascending order.
 */
public final class QueueNumbers {
    /** Highest queue number: {@value} (the queue number is 16 bits). */
    public static final int MAX_QUEUE = 65535;
    /**
     * Most queues one daemon binds: {@value}. Each queue has a worker thread, a socket buffer and
     * a flow table of its own; beyond one a core, more queues only add memory and context switches.
     */
    public static final int MAX_QUEUES = 64;

    private static final String EXPECTED = "expected N, A-B or a comma list of those (queues 0-" + MAX_QUEUE
            + ", each once, at most " + MAX_QUEUES + "), e.g. 0-3 or 4,6,10-11";
    // 1 to 5 digits keeps the parse from overflowing; the range check does the rest.
    private static final Pattern ITEM = Pattern.compile("(\\d{1,5})(?:\\s*-\\s*(\\d{1,5}))?");

    private final int[] numbers;

    private QueueNumbers(int[] numbers) {
        this.numbers = numbers;
    }

    /** One queue. */
    public static QueueNumbers of(int queue) {
        check(queue, "queue " + queue);
        return new QueueNumbers(new int[] {queue});
    }

    /** Queues {@code first} to {@code first + count - 1}: the default of one queue per core. */
    public static QueueNumbers range(int first, int count) {
        if (count < 1 || count > MAX_QUEUES) {
            throw new IllegalArgumentException(count + " queues; expected 1-" + MAX_QUEUES);
        }
        check(first, "queue " + first);
        check(first + count - 1, "queue " + (first + count - 1));
        int[] n = new int[count];
        for (int i = 0; i < count; i++) {
            n[i] = first + i;
        }
        return new QueueNumbers(n);
    }

    /**
     * Parses {@code text}; throws {@link IllegalArgumentException} naming the item at fault and
     * what is expected (empty items, non-numbers, numbers above {@value #MAX_QUEUE}, backwards
     * ranges, a queue twice, more than {@value #MAX_QUEUES} queues).
     */
    public static QueueNumbers parse(String text) {
        Objects.requireNonNull(text, "queue list");
        if (text.isBlank()) {
            throw new IllegalArgumentException("queue list is empty; " + EXPECTED);
        }
        String[] items = text.split(",", -1);
        List<int[]> ranges = new ArrayList<>();
        int total = 0;
        for (int i = 0; i < items.length; i++) {
            String item = items[i].strip();
            String where = "queue list \"" + text + "\": item " + (i + 1);
            Matcher m = ITEM.matcher(item);
            if (!m.matches()) {
                throw new IllegalArgumentException(where + (item.isEmpty() ? " is empty" : " \"" + item
                        + "\" is not a queue or range") + "; " + EXPECTED);
            }
            int from = Integer.parseInt(m.group(1));
            int to = m.group(2) == null ? from : Integer.parseInt(m.group(2));
            check(from, where + ": queue " + from);
            check(to, where + ": queue " + to);
            if (from > to) {
                throw new IllegalArgumentException(where + ": range " + from + "-" + to
                        + " runs backwards; expected A <= B, e.g. " + to + "-" + from);
            }
            for (int j = 0; j < ranges.size(); j++) {
                int[] r = ranges.get(j);
                if (from <= r[1] && r[0] <= to) {
                    throw new IllegalArgumentException(where + " (" + item + ") overlaps item " + (j + 1)
                            + "; list each queue once");
                }
            }
            total += to - from + 1;
            if (total > MAX_QUEUES) {
                throw new IllegalArgumentException("queue list \"" + text + "\" names more than " + MAX_QUEUES
                        + " queues; " + EXPECTED);
            }
            ranges.add(new int[] {from, to});
        }
        int[] n = new int[total];
        int k = 0;
        for (int[] r : ranges) {
            for (int q = r[0]; q <= r[1]; q++) {
                n[k++] = q;
            }
        }
        Arrays.sort(n);
        return new QueueNumbers(n);
    }

    private static void check(int queue, String what) {
        if (queue < 0 || queue > MAX_QUEUE) {
            throw new IllegalArgumentException(what + " is out of range; " + EXPECTED);
        }
    }

    /** How many queues. */
    public int size() {
        return numbers.length;
    }

    /** The {@code i}-th queue number, ascending. */
    public int get(int i) {
        return numbers[i];
    }

    /** The lowest queue. */
    public int first() {
        return numbers[0];
    }

    /** The highest queue. */
    public int last() {
        return numbers[numbers.length - 1];
    }

    /** True when the queues are {@code first()..last()} without a gap (what {@code --queue-balance} can name). */
    public boolean contiguous() {
        return last() - first() + 1 == numbers.length;
    }

    /** The numbers, ascending (a copy). */
    public List<Integer> toList() {
        return Arrays.stream(numbers).boxed().toList();
    }

    /** The shortest list form, e.g. {@code 0-3} or {@code 4,6,10-11}; {@link #parse} reads it back. */
    @Override
    public String toString() {
        return format(toList());
    }

    /** The shortest list form of ascending queue numbers, e.g. {@code 0-3,7}. */
    public static String format(List<? extends Number> ascending) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < ascending.size()) {
            long from = ascending.get(i).longValue();
            int j = i;
            while (j + 1 < ascending.size() && ascending.get(j + 1).longValue() == ascending.get(j).longValue() + 1) {
                j++;
            }
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(from);
            if (j > i) {
                sb.append('-').append(ascending.get(j).longValue());
            }
            i = j + 1;
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QueueNumbers q && Arrays.equals(numbers, q.numbers);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(numbers);
    }
}
