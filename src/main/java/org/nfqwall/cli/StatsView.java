package org.nfqwall.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nfqwall.control.ControlResponse;
import org.nfqwall.rules.BlockDuration;

/**
 * Renders a {@code stats} response for people: a header, the per-rule table, verdict totals,
 * flows, engine counters, the queue sockets (all summed over the daemon's queues), with several
 * queues a table of each queue's share, and the kernel's queue counters. Pure text out.
 */
final class StatsView {
    private StatsView() {
    }

    static String render(ControlResponse r) {
        StringBuilder sb = new StringBuilder();
        Instant now = instant(r.string("time"));
        sb.append("nfqwall ").append(StatusCommand.line(r)).append('\n');
        sb.append("at ").append(r.string("time")).append('\n');
        sb.append("note: ").append(r.string("note")).append("\n\n");
        List<Map<?, ?>> rules = maps(r.fields().get("rules"));
        int nameWidth = "rule".length();
        for (Map<?, ?> row : rules) {
            nameWidth = Math.max(nameWidth, String.valueOf(row.get("name")).length());
        }
        int verdictWidth = "verdict".length();
        for (Map<?, ?> row : rules) {
            verdictWidth = Math.max(verdictWidth, String.valueOf(row.get("verdict")).length());
        }
        String format = "%-" + nameWidth + "s %5s  %-" + verdictWidth + "s %10s %10s %12s  %s%n";
        sb.append(String.format(format, "rule", "line", "verdict", "decisions", "packets", "bytes", "last hit"));
        for (Map<?, ?> row : rules) {
            long line = number(row.get("line"));
            sb.append(String.format(format, row.get("name"), line == 0 ? "-" : Long.toString(line), row.get("verdict"),
                    number(row.get("decisions")), number(row.get("packets")), number(row.get("bytes")),
                    lastHit(row.get("last_hit"), now)));
        }
        Map<?, ?> v = map(r.fields().get("verdicts"));
        sb.append(String.format("%nverdicts: accept %d, drop %d, reject %d, mark %d (by the default: %d)%n",
                number(v.get("accept")), number(v.get("drop")), number(v.get("reject")), number(v.get("mark")),
                number(v.get("by_default"))));
        Map<?, ?> f = map(r.fields().get("flows"));
        sb.append(String.format("flows: %d tracked of %d, %d created, %d offloaded to the kernel, %d evicted, %d expired%n",
                number(f.get("tracked")), number(f.get("capacity")), number(f.get("created")), number(f.get("offloaded")),
                number(f.get("evicted")), number(f.get("expired"))));
        sb.append("engine:");
        appendPairs(sb, map(r.fields().get("engine")));
        Map<?, ?> q = map(r.fields().get("queue_socket"));
        sb.append("queue socket:");
        appendPairs(sb, q);
        List<Map<?, ?>> queues = maps(r.fields().get("per_queue"));
        if (queues.size() > 1) {
            // With one queue these are the totals above; with several, how the kernel spread the load.
            String qf = "%6s %10s %8s %8s %8s %8s%n";
            sb.append(String.format("%n" + qf, "queue", "packets", "flows", "evicted", "enobufs", "errors"));
            for (Map<?, ?> row : queues) {
                sb.append(String.format(qf, number(row.get("queue")), number(row.get("packets")),
                        number(row.get("flows")), number(row.get("evicted")), number(row.get("enobufs")),
                        number(row.get("internal_errors"))));
            }
            sb.append('\n');
        }
        for (Map<?, ?> k : maps(r.fields().get("kernel_queues"))) {
            sb.append(String.format("kernel queue %d: portid %d, waiting %d, copy mode %d, copy range %d,"
                            + " queue dropped %d, user dropped %d, id sequence %d%n",
                    number(k.get("queue")), number(k.get("portid")), number(k.get("queue_total")),
                    number(k.get("copy_mode")), number(k.get("copy_range")), number(k.get("queue_dropped")),
                    number(k.get("user_dropped")), number(k.get("id_sequence"))));
        }
        if (r.string("kernel_queues_error") != null) {
            sb.append("kernel queues: ").append(r.string("kernel_queues_error")).append('\n');
        }
        return sb.toString();
    }

    /** {@code name value, name value, ...} with underscores as spaces, wrapped at about 100 columns. */
    private static void appendPairs(StringBuilder sb, Map<?, ?> m) {
        int column = sb.length() - sb.lastIndexOf("\n");
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String item = String.valueOf(e.getKey()).replace('_', ' ') + " " + number(e.getValue());
            if (!first && column + item.length() > 100) {
                sb.append(",\n ");
                column = 1;
            } else if (!first) {
                sb.append(',');
                column++;
            }
            sb.append(' ').append(item);
            column += item.length() + 1;
            first = false;
        }
        sb.append('\n');
    }

    private static String lastHit(Object value, Instant now) {
        if (!(value instanceof String s)) {
            return "never";
        }
        Instant t = instant(s);
        return t == null || now == null ? s : s + " (" + duration(Math.max(0, Duration.between(t, now).getSeconds())) + " ago)";
    }

    /** {@code 45s}, {@code 12m05s}, {@code 3h12m}, {@code 2d04h}: the form blocks are listed in. */
    static String duration(long seconds) {
        return BlockDuration.format(seconds);
    }

    private static Instant instant(String s) {
        try {
            return s == null ? null : Instant.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    private static Map<?, ?> map(Object o) {
        return o instanceof Map<?, ?> m ? m : Map.of();
    }

    private static List<Map<?, ?>> maps(Object o) {
        List<Map<?, ?>> out = new ArrayList<>();
        if (o instanceof List<?> list) {
            for (Object e : list) {
                if (e instanceof Map<?, ?> m) {
                    out.add(m);
                }
            }
        }
        return out;
    }
}
