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
import java.util.function.ToLongFunction;
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
 * kernel's counters of every queue in the daemon's network namespace; each summed over the
 * daemon's queues, and then each queue's own numbers.
 *
 * <p>Runs on control threads; it only reads counters the workers write, so a snapshot can lag
 * the workers by a few packets and its parts are not taken at one instant (a total may be read
 * a few packets apart from the per-queue numbers it sums).
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

    /**
     * What one queue's worker keeps, read at each request.
     *
     * @param queue the queue number
     * @param engine its engine (flow table, rule counters)
     * @param counters its engine counters
     * @param socket its queue socket's counters
     * @param internalErrors packets its worker accepted because the engine threw
     */
    record QueueSource(int queue, Engine engine, Counters counters, Supplier<QueueSocketCounters> socket,
            LongSupplier internalErrors) {
    }

    private final List<QueueSource> queues;
    private final LongSupplier logSuppressed;
    private final Supplier<RuleSet> rules;
    private final Path procFile;

    StatsCollector(List<QueueSource> queues, LongSupplier logSuppressed, Supplier<RuleSet> rules, Path procFile) {
        this.queues = List.copyOf(queues);
        this.logSuppressed = logSuppressed;
        this.rules = rules;
        this.procFile = procFile;
    }

    /**
     * The response fields (after the common ones the caller adds): totals over all queues in the
     * fields a one-queue daemon has always sent, then {@code per_queue}, one object per queue.
     */
    Map<String, Object> collect(Instant now) {
        Map<Counter, Long> c = Counters.merge(queues.stream().map(QueueSource::counters).toList());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("note", NOTE);
        m.put("rules", ruleRows(rules.get(),
                RuleCounters.merge(queues.stream().map(q -> q.engine().ruleCounters()).toList())));
        Map<String, Object> verdicts = new LinkedHashMap<>();
        verdicts.put("accept", c.get(Counter.DECIDED_ACCEPT));
        verdicts.put("drop", c.get(Counter.DECIDED_DROP));
        verdicts.put("reject", c.get(Counter.DECIDED_REJECT));
        verdicts.put("mark", c.get(Counter.DECIDED_MARK));
        verdicts.put("by_default", c.get(Counter.DECIDED_BY_DEFAULT));
        m.put("verdicts", verdicts);
        Map<String, Object> flows = new LinkedHashMap<>();
        flows.put("tracked", sum(q -> q.engine().flowCount()));
        flows.put("capacity", sum(q -> q.engine().flowCapacity()));
        flows.put("created", c.get(Counter.FLOWS));
        flows.put("offloaded", c.get(Counter.FLOWS_OFFLOADED));
        flows.put("evicted", sum(q -> q.engine().flowEvictions()));
        flows.put("expired", sum(q -> q.engine().flowExpirations()));
        m.put("flows", flows);
        Map<String, Object> engineCounters = new LinkedHashMap<>();
        for (Counter k : Counter.values()) {
            engineCounters.put(k.name().toLowerCase(Locale.ROOT), c.get(k));
        }
        engineCounters.put("internal_errors", sum(q -> q.internalErrors().getAsLong()));
        engineCounters.put("log_lines_suppressed", logSuppressed.getAsLong());
        m.put("engine", engineCounters);
        List<QueueSocketCounters> sockets = queues.stream().map(q -> q.socket().get()).toList();
        Map<String, Object> socket = new LinkedHashMap<>();
        socket.put("packets", sockets.stream().mapToLong(QueueSocketCounters::packets).sum());
        socket.put("receive_calls", sockets.stream().mapToLong(QueueSocketCounters::receiveCalls).sum());
        socket.put("enobufs", sockets.stream().mapToLong(QueueSocketCounters::enobufs).sum());
        socket.put("netlink_errors", sockets.stream().mapToLong(QueueSocketCounters::netlinkErrors).sum());
        m.put("queue_socket", socket);
        List<KernelQueueStats> kernel = List.of();
        try {
            kernel = KernelQueueStats.parse(Files.readString(procFile, StandardCharsets.US_ASCII));
            m.put("kernel_queues", kernelQueues(kernel));
        } catch (IOException | IllegalArgumentException e) {
            m.put("kernel_queues", List.of());
            m.put("kernel_queues_error", "cannot read " + procFile + ": " + e.getMessage());
        }
        m.put("per_queue", perQueue(sockets, kernel));
        return m;
    }

    private long sum(ToLongFunction<QueueSource> f) {
        return queues.stream().mapToLong(f).sum();
    }

    /** One object per queue of this daemon, with its kernel line (null while the kernel does not list it). */
    private List<Object> perQueue(List<QueueSocketCounters> sockets, List<KernelQueueStats> kernel) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < queues.size(); i++) {
            QueueSource q = queues.get(i);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("queue", q.queue());
            m.put("packets", q.counters().get(Counter.PACKETS));
            m.put("flows", q.engine().flowCount());
            m.put("flow_capacity", q.engine().flowCapacity());
            m.put("evicted", q.engine().flowEvictions());
            m.put("enobufs", sockets.get(i).enobufs());
            m.put("internal_errors", q.internalErrors().getAsLong());
            m.put("kernel", kernel.stream().filter(k -> k.queue() == q.queue()).findFirst()
                    .map(StatsCollector::kernelQueue).orElse(null));
            out.add(m);
        }
        return out;
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
            out.add(kernelQueue(q));
        }
        return out;
    }

    private static Map<String, Object> kernelQueue(KernelQueueStats q) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("queue", q.queue());
        m.put("portid", q.portId());
        m.put("queue_total", q.queueTotal());
        m.put("copy_mode", q.copyMode());
        m.put("copy_range", q.copyRange());
        m.put("queue_dropped", q.queueDropped());
        m.put("user_dropped", q.userDropped());
        m.put("id_sequence", q.idSequence());
        return m;
    }

    /** Seconds since {@code start}, at least 0. */
    static long uptimeSeconds(Instant start, Instant now) {
        return Math.max(0, Duration.between(start, now).getSeconds());
    }
}
