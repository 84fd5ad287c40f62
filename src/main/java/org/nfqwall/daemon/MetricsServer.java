package org.nfqwall.daemon;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.nfqwall.rules.Verdict;
import org.nfqwall.stats.KernelQueueStats;
import org.nfqwall.stats.Counter;
import org.nfqwall.stats.Counters;
import org.nfqwall.stats.LatencyHistogram;

/**
 * Serves the daemon's metrics in the Prometheus exposition formats over HTTP
 * ({@code GET /metrics}), opt-in with {@code --metrics HOST:PORT}.
 *
 * <p>Every value is read at scrape time from where each worker keeps it (its counters, the flow
 * table, the latency histogram, the kernel's {@code /proc} file) and summed over the queues, so
 * serving metrics adds nothing to the packet path. Scrapes run on one thread of their own; the
 * values they read may lag the workers by a few packets but are never torn. Only the series
 * named {@code nfqwall_queue_*} and {@code nfqwall_kernel_*} have a {@code queue} label. The metric names are listed in the README
 * ("Metrics").
 */
public final class MetricsServer implements AutoCloseable {
    /** Decision counters exported as {@code nfqwall_decisions_total{verdict}} rather than one metric each. */
    private static final Set<Counter> DECISIONS =
            EnumSet.of(Counter.DECIDED_ACCEPT, Counter.DECIDED_DROP, Counter.DECIDED_REJECT, Counter.DECIDED_MARK);

    /**
     * What one queue's worker keeps.
     *
     * @param queue the queue number (the {@code queue} label)
     * @param counters the worker's counters
     * @param latency receive-to-verdict time per packet
     * @param flows flows tracked now
     * @param flowCapacity most flows tracked
     * @param flowEvictions flows pushed out of a full table so far
     * @param enobufs ENOBUFS met by the queue socket so far
     * @param internalErrors packets accepted because the engine threw
     */
    public record QueueSources(int queue, Counters counters, LatencyHistogram latency, IntSupplier flows,
            int flowCapacity, LongSupplier flowEvictions, LongSupplier enobufs, LongSupplier internalErrors) {
    }

    /**
     * Where the metrics come from.
     *
     * @param queues each queue's worker, in queue order; the series without a {@code queue}
     *        label sum over them
     * @param rules decisions by rule (all workers)
     * @param logSuppressed decision-log lines not written
     * @param kernel the kernel's statistics of every queue in the namespace, read at each scrape
     *        (empty when unreadable)
     */
    public record Sources(List<QueueSources> queues, RuleDecisionCounts rules, LongSupplier logSuppressed,
            Supplier<List<KernelQueueStats>> kernel) {
        public Sources {
            queues = List.copyOf(queues);
        }

        /** One queue's sources. */
        public Sources(int queue, Counters counters, RuleDecisionCounts rules, LatencyHistogram latency,
                IntSupplier flows, int flowCapacity, LongSupplier flowEvictions, LongSupplier enobufs,
                LongSupplier internalErrors, LongSupplier logSuppressed, IntFunction<Optional<KernelQueueStats>> kernel) {
            this(List.of(new QueueSources(queue, counters, latency, flows, flowCapacity, flowEvictions, enobufs,
                    internalErrors)), rules, logSuppressed, () -> kernel.apply(queue).map(List::of).orElse(List.of()));
        }

        long sum(Counter c) {
            return sum(q -> q.counters().get(c));
        }

        long sum(ToLongFunction<QueueSources> f) {
            long total = 0;
            for (QueueSources q : queues) {
                total += f.applyAsLong(q);
            }
            return total;
        }
    }

    private final HTTPServer server;

    private MetricsServer(HTTPServer server) {
        this.server = server;
    }

    /**
     * Binds {@code address} and serves the metrics of {@code sources} until {@link #close}.
     *
     * @throws IOException if the address cannot be bound (in use, not local, no permission)
     */
    public static MetricsServer start(InetSocketAddress address, Sources sources) throws IOException {
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "nfqwall-metrics");
            t.setDaemon(true);
            return t;
        });
        try {
            return new MetricsServer(HTTPServer.builder().inetAddress(address.getAddress()).port(address.getPort())
                    .registry(registry(sources)).executorService(executor).buildAndStart());
        } catch (IOException | RuntimeException e) {
            executor.shutdownNow();
            throw e;
        }
    }

    /** The port bound (useful when asked for port 0). */
    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }

    static PrometheusRegistry registry(Sources s) {
        PrometheusRegistry registry = new PrometheusRegistry();
        CounterWithCallback.builder().name("nfqwall_decisions")
                .help("Decisions taken (one per request, or per flow decided without inspection), by verdict.")
                .labelNames("verdict")
                .callback(cb -> {
                    cb.call(s.sum(Counter.DECIDED_ACCEPT), Verdict.ACCEPT.label());
                    cb.call(s.sum(Counter.DECIDED_DROP), Verdict.DROP.label());
                    cb.call(s.sum(Counter.DECIDED_REJECT), Verdict.REJECT.label());
                    cb.call(s.sum(Counter.DECIDED_MARK), Verdict.MARK.label());
                })
                .register(registry);
        CounterWithCallback.builder().name("nfqwall_rule_decisions")
                .help("Decisions by rule name (\"" + RuleDecisionCounts.DEFAULT_RULE + "\" for the default) and verdict.")
                .labelNames("rule", "verdict")
                .callback(cb -> s.rules().snapshot().forEach((rule, counts) -> {
                    for (Verdict v : Verdict.values()) {
                        if (counts[v.ordinal()] > 0) {
                            cb.call(counts[v.ordinal()], rule, v.label());
                        }
                    }
                }))
                .register(registry);
        for (Counter c : Counter.values()) {
            if (!DECISIONS.contains(c)) {
                CounterWithCallback.builder().name(metricName(c)).help(help(c))
                        .callback(cb -> cb.call(s.sum(c))).register(registry);
            }
        }
        registry.register(latencyCollector(s.queues().stream().map(QueueSources::latency).toList()));
        GaugeWithCallback.builder().name("nfqwall_flow_table_flows").help("Flows tracked now (all queues).")
                .callback(cb -> cb.call(s.sum(q -> q.flows().getAsInt()))).register(registry);
        GaugeWithCallback.builder().name("nfqwall_flow_table_capacity").help("Most flows tracked (--flows, all queues).")
                .callback(cb -> cb.call(s.sum(QueueSources::flowCapacity))).register(registry);
        CounterWithCallback.builder().name("nfqwall_flow_table_evictions")
                .help("Flows forgotten because the table was full (least recently used first).")
                .callback(cb -> cb.call(s.sum(q -> q.flowEvictions().getAsLong()))).register(registry);
        CounterWithCallback.builder().name("nfqwall_enobufs")
                .help("ENOBUFS on the queue sockets: a receive buffer overflowed (packets lost) or a verdict send failed.")
                .callback(cb -> cb.call(s.sum(q -> q.enobufs().getAsLong()))).register(registry);
        CounterWithCallback.builder().name("nfqwall_internal_errors")
                .help("Packets accepted because deciding them threw (a bug: please report).")
                .callback(cb -> cb.call(s.sum(q -> q.internalErrors().getAsLong()))).register(registry);
        perQueueMetrics(registry, s);
        CounterWithCallback.builder().name("nfqwall_log_lines_suppressed")
                .help("Decision-log lines not written: over --log-rate or the log queue full.")
                .callback(cb -> cb.call(s.logSuppressed().getAsLong())).register(registry);
        kernelMetrics(registry, s);
        return registry;
    }

    /** The series with a {@code queue} label: one data point per queue the daemon reads. */
    private static void perQueueMetrics(PrometheusRegistry registry, Sources s) {
        CounterWithCallback.builder().name("nfqwall_queue_packets")
                .help("Packets handed to the engine, by queue (how --queue-balance spreads the load).")
                .labelNames("queue")
                .callback(cb -> s.queues().forEach(q -> cb.call(q.counters().get(Counter.PACKETS), label(q.queue()))))
                .register(registry);
        GaugeWithCallback.builder().name("nfqwall_queue_flows")
                .help("Flows tracked now, by queue.")
                .labelNames("queue")
                .callback(cb -> s.queues().forEach(q -> cb.call(q.flows().getAsInt(), label(q.queue()))))
                .register(registry);
        CounterWithCallback.builder().name("nfqwall_queue_enobufs")
                .help("ENOBUFS on the queue socket, by queue.")
                .labelNames("queue")
                .callback(cb -> s.queues().forEach(q -> cb.call(q.enobufs().getAsLong(), label(q.queue()))))
                .register(registry);
    }

    private static String label(int queue) {
        return Integer.toString(queue);
    }

    private static void kernelMetrics(PrometheusRegistry registry, Sources s) {
        // One read of /proc per metric is three small reads per scrape, whatever the number of queues.
        CounterWithCallback.builder().name("nfqwall_kernel_queue_dropped")
                .help("Packets the kernel dropped because the queue was full (kernel counter; fail-closed only).")
                .labelNames("queue")
                .callback(cb -> ours(s).forEach(k -> cb.call(k.queueDropped(), label(k.queue()))))
                .register(registry);
        CounterWithCallback.builder().name("nfqwall_kernel_user_dropped")
                .help("Packets the kernel could not hand to the netlink socket (kernel counter; fail-closed only).")
                .labelNames("queue")
                .callback(cb -> ours(s).forEach(k -> cb.call(k.userDropped(), label(k.queue()))))
                .register(registry);
        GaugeWithCallback.builder().name("nfqwall_kernel_queue_waiting")
                .help("Packets in the kernel queue now, waiting for a verdict.")
                .labelNames("queue")
                .callback(cb -> ours(s).forEach(k -> cb.call(k.queueTotal(), label(k.queue()))))
                .register(registry);
    }

    /** The kernel's lines of the daemon's own queues (another process's queues are not ours to report). */
    private static List<KernelQueueStats> ours(Sources s) {
        Set<Integer> queues = new HashSet<>();
        s.queues().forEach(q -> queues.add(q.queue()));
        return s.kernel().get().stream().filter(k -> queues.contains(k.queue())).toList();
    }

    /** {@code nfqwall_} and the counter's name in lower case; Prometheus adds {@code _total}. */
    static String metricName(Counter c) {
        return "nfqwall_" + c.name().toLowerCase(Locale.ROOT);
    }

    private static String help(Counter c) {
        return switch (c) {
            case PACKETS -> "Packets handed to the engine.";
            case BYTES -> "Bytes of those packets on the wire, IP header included.";
            case GSO_PACKETS -> "GSO/GRO super-packets queued whole.";
            case TRUNCATED_DROPPED -> "Packets cut to the copy range whose missing bytes were still to be inspected (dropped; the client resends).";
            case MALFORMED -> "Packets that could not be decoded (accepted).";
            case FRAGMENTS -> "Non-first IP fragments (accepted).";
            case OTHER_PROTOCOLS -> "Packets of protocols other than TCP and UDP (accepted).";
            case BAD_CHECKSUMS -> "TCP segments with a wrong checksum (accepted unread).";
            case REASSEMBLY_CONFLICTS -> "Retransmissions whose bytes differ from the first copy (dropped).";
            case REASSEMBLY_NO_ROOM -> "Out-of-order segments that could not be held (dropped; the client resends).";
            case BUFFERS_EXHAUSTED -> "Flows decided without inspection because no reassembly buffer was left.";
            case LOOPED_VERDICTS -> "Packets that came back with nfqwall's verdict bit: the generated iptables rules are missing.";
            case FLOWS -> "Flows created in the flow table.";
            case HTTP_REQUESTS -> "HTTP request heads decoded.";
            case NOT_HTTP -> "Flows whose bytes were not HTTP.";
            case HTTP_MALFORMED -> "Flows whose HTTP was malformed or ambiguous.";
            case HEAD_TOO_LARGE -> "Flows whose request head exceeded --max-head.";
            case TLS_HELLOS -> "TLS ClientHellos read.";
            case TLS_MALFORMED -> "TLS flows whose records or ClientHello were malformed.";
            case HELLO_TOO_LARGE -> "ClientHellos (TLS or QUIC) larger than --max-hello.";
            case QUIC_HELLOS -> "QUIC ClientHellos read from Initial packets.";
            case QUIC_UNREADABLE -> "QUIC flows whose ClientHello could not be read.";
            case BITTORRENT -> "Flows that started with the BitTorrent handshake.";
            case DECIDED_BY_DEFAULT -> "Decisions taken by the rules file's default (no rule matched).";
            case STEER_ADDED -> "Server addresses put into (or renewed in) a steering mark's ipset, by decisions and DNS answers.";
            case STEER_SET_MISSING -> "Steering adds refused: the mark's ipset does not exist (see the start log).";
            case STEER_SET_FULL -> "Steering adds refused: the mark's ipset is full (its steer max).";
            case STEER_ADD_FAILED -> "Steering adds that failed for another reason.";
            case STEER_DEFERRED -> "Routing-mark decisions that left the live connection unmarked (the next connections are steered).";
            case DNS_PACKETS -> "UDP packets from port 53 read as DNS answers (always accepted unchanged).";
            case DNS_RESPONSES -> "DNS responses with one question that were read.";
            case DNS_MALFORMED -> "Packets from UDP port 53 that are no DNS response nfqwall reads.";
            case DNS_STEERED_ADDRESSES -> "Addresses from DNS answers put into a steering mark's ipset.";
            case DNS_ADDRESSES_OVER_CAP -> "Addresses of steered DNS answers left out (over the cap per answer, or records not read).";
            default -> "Engine counter " + c.name() + " (org.nfqwall.stats.Counter).";
        };
    }

    /**
     * The workers' histograms as one: each bucket summed at scrape time, so the workers keep
     * writing their own histogram without a lock or a shared cache line.
     */
    private static Collector latencyCollector(List<LatencyHistogram> histograms) {
        LatencyHistogram h = histograms.get(0);
        String name = "nfqwall_verdict_latency_seconds";
        return new Collector() {
            @Override
            public MetricSnapshot collect() {
                int n = h.buckets();
                double[] bounds = new double[n];
                long[] counts = new long[n];
                for (int i = 0; i < n; i++) {
                    long bound = h.upperBoundNanos(i);
                    bounds[i] = bound == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : bound / 1e9;
                    for (LatencyHistogram w : histograms) {
                        counts[i] += w.count(i);
                    }
                }
                long sum = 0;
                for (LatencyHistogram w : histograms) {
                    sum += w.sumNanos();
                }
                return HistogramSnapshot.builder().name(name)
                        .help("Time from receiving a packet to sending its verdict, per packet (measured per batch).")
                        .dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                                .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts))
                                .sum(sum / 1e9).build())
                        .build();
            }

            @Override
            public String getPrometheusName() {
                return name;
            }
        };
    }
}
