package org.nfqwall.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nfqwall.rules.Verdict;
import org.nfqwall.stats.Counter;
import org.nfqwall.stats.Counters;
import org.nfqwall.stats.KernelQueueStats;
import org.nfqwall.stats.LatencyHistogram;

class MetricsServerTest {
    private final Counters counters = new Counters();
    private final RuleDecisionCounts rules = new RuleDecisionCounts();
    private final LatencyHistogram latency = new LatencyHistogram();
    private final AtomicLong evictions = new AtomicLong();
    private Optional<KernelQueueStats> kernel = Optional.of(new KernelQueueStats(10, 4242, 17, 2, 65535, 1234, 4294967295L, 123456789));
    private MetricsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private MetricsServer start() throws IOException {
        server = MetricsServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new MetricsServer.Sources(10, counters, rules, latency, () -> 123, 65536, evictions::get, () -> 4,
                        () -> 5, () -> 6, q -> kernel));
        return server;
    }

    /** GET /metrics, parsed: "name{labels}" (as written) to value; comment lines skipped. */
    private Map<String, Double> scrape() throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                        .timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), r.headers().toString());
        Map<String, Double> values = new HashMap<>();
        for (String line : r.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            values.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return values;
    }

    private static void decide(RuleDecisionCounts rules, Counters counters, String rule, Verdict verdict) {
        rules.decided(DecisionFacts.tcp(80), rule == null ? null : DecisionFacts.rule(rule), verdict, 0);
        counters.increment(switch (verdict) {
            case ACCEPT -> Counter.DECIDED_ACCEPT;
            case DROP -> Counter.DECIDED_DROP;
            case REJECT -> Counter.DECIDED_REJECT;
            case MARK -> Counter.DECIDED_MARK;
        });
    }

    @Test
    void decisionsByVerdictAndByRule() throws Exception {
        start();
        decide(rules, counters, "app2", Verdict.DROP);
        decide(rules, counters, "app2", Verdict.DROP);
        decide(rules, counters, "video", Verdict.MARK);
        decide(rules, counters, null, Verdict.ACCEPT);
        Map<String, Double> m = scrape();
        assertEquals(2.0, m.get("nfqwall_decisions_total{verdict=\"drop\"}"));
        assertEquals(1.0, m.get("nfqwall_decisions_total{verdict=\"mark\"}"));
        assertEquals(1.0, m.get("nfqwall_decisions_total{verdict=\"accept\"}"));
        assertEquals(0.0, m.get("nfqwall_decisions_total{verdict=\"reject\"}"));
        assertEquals(2.0, m.get("nfqwall_rule_decisions_total{rule=\"app2\",verdict=\"drop\"}"));
        assertEquals(1.0, m.get("nfqwall_rule_decisions_total{rule=\"video\",verdict=\"mark\"}"));
        assertEquals(1.0, m.get("nfqwall_rule_decisions_total{rule=\"(default)\",verdict=\"accept\"}"));
        assertFalse(m.containsKey("nfqwall_rule_decisions_total{rule=\"app2\",verdict=\"accept\"}"));
    }

    @Test
    void valuesAreReadAtEachScrape() throws Exception {
        start();
        counters.add(Counter.PACKETS, 10);
        assertEquals(10.0, scrape().get("nfqwall_packets_total"));
        counters.add(Counter.PACKETS, 5);
        evictions.set(7);
        Map<String, Double> m = scrape();
        assertEquals(15.0, m.get("nfqwall_packets_total"));
        assertEquals(7.0, m.get("nfqwall_flow_table_evictions_total"));
    }

    @Test
    void everyEngineCounterHasAMetric() throws Exception {
        start();
        Map<String, Double> m = scrape();
        for (Counter c : Counter.values()) {
            if (!c.name().startsWith("DECIDED_") || c == Counter.DECIDED_BY_DEFAULT) {
                assertTrue(m.containsKey(MetricsServer.metricName(c) + "_total"), c + " in " + m.keySet());
            }
        }
        assertEquals(0.0, m.get("nfqwall_bad_checksums_total"));
    }

    @Test
    void flowTableDaemonAndKernelValues() throws Exception {
        start();
        Map<String, Double> m = scrape();
        assertEquals(123.0, m.get("nfqwall_flow_table_flows"));
        assertEquals(65536.0, m.get("nfqwall_flow_table_capacity"));
        assertEquals(4.0, m.get("nfqwall_enobufs_total"));
        assertEquals(5.0, m.get("nfqwall_internal_errors_total"));
        assertEquals(6.0, m.get("nfqwall_log_lines_suppressed_total"));
        assertEquals(1234.0, m.get("nfqwall_kernel_queue_dropped_total{queue=\"10\"}"));
        assertEquals(4294967295.0, m.get("nfqwall_kernel_user_dropped_total{queue=\"10\"}"));
        assertEquals(17.0, m.get("nfqwall_kernel_queue_waiting{queue=\"10\"}"));
    }

    @Test
    void kernelMetricsAreLeftOutWhenTheQueueIsNotListed() throws Exception {
        kernel = Optional.empty();
        start();
        assertTrue(scrape().keySet().stream().noneMatch(k -> k.startsWith("nfqwall_kernel_")));
    }

    @Test
    void latencyHistogramIsCumulativeWithSumAndCount() throws Exception {
        start();
        latency.record(3_000, 64);         // 3 us: first bucket (5 us)
        latency.record(40_000, 10);        // 40 us: 50 us bucket
        latency.record(2_000_000_000L, 1); // 2 s: beyond the last bound
        Map<String, Double> m = scrape();
        String h = "nfqwall_verdict_latency_seconds";
        assertEquals(64.0, m.get(h + "_bucket{le=\"5.0E-6\"}"), m.keySet().toString());
        assertEquals(64.0, m.get(h + "_bucket{le=\"2.5E-5\"}"));
        assertEquals(74.0, m.get(h + "_bucket{le=\"5.0E-5\"}"));
        assertEquals(74.0, m.get(h + "_bucket{le=\"1.0\"}"));
        assertEquals(75.0, m.get(h + "_bucket{le=\"+Inf\"}"));
        assertEquals(75.0, m.get(h + "_count"));
        assertEquals((3_000 * 64 + 40_000 * 10 + 2_000_000_000L) / 1e9, m.get(h + "_sum"), 1e-9);
    }

    @Test
    void portInUseIsAnIOException() throws Exception {
        start();
        InetSocketAddress taken = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
        assertThrows(IOException.class, () -> MetricsServer.start(taken, new MetricsServer.Sources(10, counters, rules,
                latency, () -> 0, 1, () -> 0, () -> 0, () -> 0, () -> 0, q -> Optional.empty())));
    }

    @Test
    void severalQueuesSumInTheOldSeriesAndAreLabelledInTheNewOnes() throws Exception {
        Counters other = new Counters();
        LatencyHistogram otherLatency = new LatencyHistogram();
        server = MetricsServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new MetricsServer.Sources(List.of(
                        new MetricsServer.QueueSources(0, counters, latency, () -> 3, 100, () -> 1, () -> 2, () -> 0),
                        new MetricsServer.QueueSources(1, other, otherLatency, () -> 4, 100, () -> 10, () -> 20, () -> 1)),
                        rules, () -> 0, () -> List.of(new KernelQueueStats(0, 1, 5, 2, 65535, 0, 0, 9),
                                new KernelQueueStats(1, 1, 6, 2, 65535, 0, 0, 9),
                                new KernelQueueStats(9, 2, 7, 2, 65535, 0, 0, 9))));
        counters.add(Counter.PACKETS, 10);
        other.add(Counter.PACKETS, 32);
        decide(rules, other, "app2", Verdict.DROP);
        latency.record(3_000, 4);
        otherLatency.record(3_000, 6);
        otherLatency.record(40_000, 1);
        Map<String, Double> m = scrape();
        assertEquals(42.0, m.get("nfqwall_packets_total"));
        assertEquals(1.0, m.get("nfqwall_decisions_total{verdict=\"drop\"}"));
        assertEquals(7.0, m.get("nfqwall_flow_table_flows"));
        assertEquals(200.0, m.get("nfqwall_flow_table_capacity"));
        assertEquals(11.0, m.get("nfqwall_flow_table_evictions_total"));
        assertEquals(22.0, m.get("nfqwall_enobufs_total"));
        assertEquals(1.0, m.get("nfqwall_internal_errors_total"));
        assertEquals(10.0, m.get("nfqwall_queue_packets_total{queue=\"0\"}"));
        assertEquals(32.0, m.get("nfqwall_queue_packets_total{queue=\"1\"}"));
        assertEquals(4.0, m.get("nfqwall_queue_flows{queue=\"1\"}"));
        assertEquals(20.0, m.get("nfqwall_queue_enobufs_total{queue=\"1\"}"));
        assertEquals(5.0, m.get("nfqwall_kernel_queue_waiting{queue=\"0\"}"));
        assertEquals(6.0, m.get("nfqwall_kernel_queue_waiting{queue=\"1\"}"));
        assertFalse(m.containsKey("nfqwall_kernel_queue_waiting{queue=\"9\"}"), "another process's queue");
        String h = "nfqwall_verdict_latency_seconds";
        assertEquals(10.0, m.get(h + "_bucket{le=\"5.0E-6\"}"));
        assertEquals(11.0, m.get(h + "_count"));
        assertEquals((3_000 * 10 + 40_000) / 1e9, m.get(h + "_sum"), 1e-9);
    }
}
