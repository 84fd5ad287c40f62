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
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.nfqwall.rules.Verdict;
import org.nfqwall.stats.KernelQueueStats;
import org.nfqwall.stats.Counter;
import org.nfqwall.stats.Counters;
import org.nfqwall.stats.LatencyHistogram;

/**
 * Serves the daemon's metrics in the Prometheus exposition formats over HTTP
 * ({@code GET /metrics}), opt-in with {@code --metrics HOST:PORT}.
 *
 * <p>Every value is read at scrape time from where the worker keeps it (its counters, the flow
 * table, the latency histogram, the kernel's {@code /proc} file), so serving metrics adds nothing
 * to the packet path. Scrapes run on one thread of their own; the values they read may lag the
 * worker by a few packets but are never torn. The metric names are listed in the README
 * ("Metrics").
 */
public final class MetricsServer implements AutoCloseable {
    /** Decision counters exported as {@code nfqwall_decisions_total{verdict}} rather than one metric each. */
    private static final Set<Counter> DECISIONS =
            EnumSet.of(Counter.DECIDED_ACCEPT, Counter.DECIDED_DROP, Counter.DECIDED_REJECT, Counter.DECIDED_MARK);

    /**
     * Where the metrics come from.
     *
     * @param queue the queue number (label of the kernel metrics)
     * @param counters the worker's counters
     * @param rules decisions by rule
     * @param latency receive-to-verdict time per packet
     * @param flows flows tracked now
     * @param flowCapacity most flows tracked
     * @param flowEvictions flows pushed out of a full table so far
     * @param enobufs ENOBUFS met by the queue socket so far
     * @param internalErrors packets accepted because the engine threw
     * @param logSuppressed decision-log lines not written
     * @param kernel the kernel's statistics of a queue, read at each scrape
     */
    public record Sources(int queue, Counters counters, RuleDecisionCounts rules, LatencyHistogram latency,
            IntSupplier flows, int flowCapacity, LongSupplier flowEvictions, LongSupplier enobufs,
            LongSupplier internalErrors, LongSupplier logSuppressed, IntFunction<Optional<KernelQueueStats>> kernel) {
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
                    cb.call(s.counters().get(Counter.DECIDED_ACCEPT), Verdict.ACCEPT.label());
                    cb.call(s.counters().get(Counter.DECIDED_DROP), Verdict.DROP.label());
                    cb.call(s.counters().get(Counter.DECIDED_REJECT), Verdict.REJECT.label());
                    cb.call(s.counters().get(Counter.DECIDED_MARK), Verdict.MARK.label());
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
                        .callback(cb -> cb.call(s.counters().get(c))).register(registry);
            }
        }
        registry.register(latencyCollector(s.latency()));
        GaugeWithCallback.builder().name("nfqwall_flow_table_flows").help("Flows tracked now.")
                .callback(cb -> cb.call(s.flows().getAsInt())).register(registry);
        GaugeWithCallback.builder().name("nfqwall_flow_table_capacity").help("Most flows tracked (--flows).")
                .callback(cb -> cb.call(s.flowCapacity())).register(registry);
        CounterWithCallback.builder().name("nfqwall_flow_table_evictions")
                .help("Flows forgotten because the table was full (least recently used first).")
                .callback(cb -> cb.call(s.flowEvictions().getAsLong())).register(registry);
        CounterWithCallback.builder().name("nfqwall_enobufs")
                .help("ENOBUFS on the queue socket: its receive buffer overflowed (packets lost) or a verdict send failed.")
                .callback(cb -> cb.call(s.enobufs().getAsLong())).register(registry);
        CounterWithCallback.builder().name("nfqwall_internal_errors")
                .help("Packets accepted because deciding them threw (a bug: please report).")
                .callback(cb -> cb.call(s.internalErrors().getAsLong())).register(registry);
        CounterWithCallback.builder().name("nfqwall_log_lines_suppressed")
                .help("Decision-log lines not written: over --log-rate or the log queue full.")
                .callback(cb -> cb.call(s.logSuppressed().getAsLong())).register(registry);
        kernelMetrics(registry, s);
        return registry;
    }

    private static void kernelMetrics(PrometheusRegistry registry, Sources s) {
        String queue = Integer.toString(s.queue());
        // One read of /proc per metric is three small reads per scrape; simpler than caching.
        CounterWithCallback.builder().name("nfqwall_kernel_queue_dropped")
                .help("Packets the kernel dropped because the queue was full (kernel counter; fail-closed only).")
                .labelNames("queue")
                .callback(cb -> s.kernel().apply(s.queue()).ifPresent(k -> cb.call(k.queueDropped(), queue)))
                .register(registry);
        CounterWithCallback.builder().name("nfqwall_kernel_user_dropped")
                .help("Packets the kernel could not hand to the netlink socket (kernel counter; fail-closed only).")
                .labelNames("queue")
                .callback(cb -> s.kernel().apply(s.queue()).ifPresent(k -> cb.call(k.userDropped(), queue)))
                .register(registry);
        GaugeWithCallback.builder().name("nfqwall_kernel_queue_waiting")
                .help("Packets in the kernel queue now, waiting for a verdict.")
                .labelNames("queue")
                .callback(cb -> s.kernel().apply(s.queue()).ifPresent(k -> cb.call(k.queueTotal(), queue)))
                .register(registry);
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
            default -> "Engine counter " + c.name() + " (org.nfqwall.stats.Counter).";
        };
    }

    private static Collector latencyCollector(LatencyHistogram h) {
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
                    counts[i] = h.count(i);
                }
                return HistogramSnapshot.builder().name(name)
                        .help("Time from receiving a packet to sending its verdict, per packet (measured per batch).")
                        .dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                                .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts))
                                .sum(h.sumNanos() / 1e9).build())
                        .build();
            }

            @Override
            public String getPrometheusName() {
                return name;
            }
        };
    }
}
