package org.nfqwall.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.nfqwall.engine.Engine;
import org.nfqwall.nfq.QueueSocket;
import org.nfqwall.rules.Rule;
import org.nfqwall.rules.RuleSet;
import org.nfqwall.rules.Verdict;
import org.nfqwall.stats.Counter;
import org.nfqwall.stats.Counters;
import org.nfqwall.stats.KernelQueueStats;
import org.nfqwall.stats.RuleCounters;

/**
 * Builds the fields of the {@code stats} response: per-rule counts of the rules in force (and
 * the default), verdict totals, every engine counter, the flow table, the queue socket and the
 * kernel's counters of every queue in the daemon's network namespace.
 *
 * <p>Runs on control threads; it only reads counters the worker writes, so a snapshot can lag
 * the worker by a few packets and its parts are not taken at one instant.
 */
final class StatsCollector {
    /** What the per-rule numbers mean, sent with every response and printed above the table. */
    static final String NOTE = "per rule: decisions taken, and the packets and bytes that carried them as nfqwall saw"
            + " them; the rest of a connection decided for good (offloaded, dropped, rejected) stays in the kernel and"
            + " is not counted here (iptables -v shows it)";

    /** The queue socket's own counters (see {@link QueueSocket}). */
    record QueueSocketCounters(long packets, long receiveCalls, long enobufs, long netlinkErrors) {
        static QueueSocketCounters of(QueueSocket s) {
            return new QueueSocketCounters(s.packetsReceived(), s.receiveCalls(), s.enobufs(), s.netlinkErrors());
        }
    }

    private final Engine engine;
    private final Counters counters;
    private final Supplier<QueueSocketCounters> socket;
    private final LongSupplier internalErrors;
    private final LongSupplier logSuppressed;
    private final Supplier<RuleSet> rules;
    private final Path procFile;

    StatsCollector(Engine engine, Counters counters, Supplier<QueueSocketCounters> socket, LongSupplier internalErrors,
            LongSupplier logSuppressed, Supplier<RuleSet> rules, Path procFile) {
        this.engine = engine;
        this.counters = counters;
        this.socket = socket;
        this.internalErrors = internalErrors;
        this.logSuppressed = logSuppressed;
        this.rules = rules;
        this.procFile = procFile;
    }

    /** The response fields (after the common ones the caller adds). */
    Map<String, Object> collect(Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("note", NOTE);
        m.put("rules", ruleRows(rules.get(), engine.ruleCounters().snapshot()));
        Map<String, Object> verdicts = new LinkedHashMap<>();
        verdicts.put("accept", counters.get(Counter.DECIDED_ACCEPT));
        verdicts.put("drop", counters.get(Counter.DECIDED_DROP));
        verdicts.put("reject", counters.get(Counter.DECIDED_REJECT));
        verdicts.put("mark", counters.get(Counter.DECIDED_MARK));
        verdicts.put("by_default", counters.get(Counter.DECIDED_BY_DEFAULT));
        m.put("verdicts", verdicts);
        Map<String, Object> flows = new LinkedHashMap<>();
        flows.put("tracked", engine.flowCount());
        flows.put("capacity", engine.flowCapacity());
        flows.put("created", counters.get(Counter.FLOWS));
        flows.put("offloaded", counters.get(Counter.FLOWS_OFFLOADED));
        flows.put("evicted", engine.flowEvictions());
        flows.put("expired", engine.flowExpirations());
        m.put("flows", flows);
        Map<String, Object> engineCounters = new LinkedHashMap<>();
        for (Counter c : Counter.values()) {
            engineCounters.put(c.name().toLowerCase(Locale.ROOT), counters.get(c));
        }
        engineCounters.put("internal_errors", internalErrors.getAsLong());
        engineCounters.put("log_lines_suppressed", logSuppressed.getAsLong());
        m.put("engine", engineCounters);
        Map<String, Object> queue = new LinkedHashMap<>();
        QueueSocketCounters q = socket.get();
        queue.put("packets", q.packets());
        queue.put("receive_calls", q.receiveCalls());
        queue.put("enobufs", q.enobufs());
        queue.put("netlink_errors", q.netlinkErrors());
        m.put("queue_socket", queue);
        try {
            m.put("kernel_queues", kernelQueues(
                    KernelQueueStats.parse(Files.readString(procFile, StandardCharsets.US_ASCII))));
        } catch (IOException | IllegalArgumentException e) {
            m.put("kernel_queues", List.of());
            m.put("kernel_queues_error", "cannot read " + procFile + ": " + e.getMessage());
        }
        return m;
    }

    static List<Object> ruleRows(RuleSet rs, Map<String, RuleCounters.RuleCount> counts) {
        List<Object> rows = new ArrayList<>();
        for (int i = 0; i < rs.size(); i++) {
            Rule r = rs.rule(i);
            rows.add(row(r.name(), r.line(), verdictText(r.verdict(), r.mark()), counts.get(r.name())));
        }
        rows.add(row(RuleCounters.DEFAULT, 0, rs.defaultVerdict().label(), counts.get(RuleCounters.DEFAULT)));
        return rows;
    }

    private static Map<String, Object> row(String name, int line, String verdict, RuleCounters.RuleCount c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("line", line);
        m.put("verdict", verdict);
        m.put("decisions", c == null ? 0 : c.decisions());
        m.put("packets", c == null ? 0 : c.packets());
        m.put("bytes", c == null ? 0 : c.bytes());
        m.put("last_hit", c == null || c.lastHitMillis() == 0 ? null : Instant.ofEpochMilli(c.lastHitMillis()).toString());
        return m;
    }

    private static String verdictText(Verdict v, int mark) {
        return v == Verdict.MARK ? String.format("mark 0x%x", mark) : v.label();
    }

    private static List<Object> kernelQueues(List<KernelQueueStats> queues) {
        List<Object> out = new ArrayList<>();
        for (KernelQueueStats q : queues) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("queue", q.queue());
            m.put("portid", q.portId());
            m.put("queue_total", q.queueTotal());
            m.put("copy_mode", q.copyMode());
            m.put("copy_range", q.copyRange());
            m.put("queue_dropped", q.queueDropped());
            m.put("user_dropped", q.userDropped());
            m.put("id_sequence", q.idSequence());
            out.add(m);
        }
        return out;
    }

    /** Seconds since {@code start}, at least 0. */
    static long uptimeSeconds(Instant start, Instant now) {
        return Math.max(0, Duration.between(start, now).getSeconds());
    }
}
