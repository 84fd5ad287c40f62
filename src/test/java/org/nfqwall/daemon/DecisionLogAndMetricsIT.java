package org.nfqwall.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.nfqwall.lab.ExecResult;
import org.nfqwall.lab.Lab;
import org.nfqwall.lab.Node;
import org.nfqwall.lab.ReceivedRequest;

/**
 * The decision log and the metrics of a real daemon: the lab, the generated rules (TCP 80
 * queued), the daemon on rules/example.yaml with {@code --log-file} and {@code --metrics
 * 127.0.0.1:0} in the firewall namespace, a blocked request from the client, then the JSON line
 * in the file, the metrics as curl inside the firewall namespace sees them, and the file
 * reopened on SIGHUP after a logrotate-style rename.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DecisionLogAndMetricsIT {
    private static final Duration T = Duration.ofSeconds(20);
    private static final int QUEUE = 7;
    private static final Pattern METRICS_URL = Pattern.compile("metrics on http://127\\.0\\.0\\.1:(\\d+)/metrics");
    private static Lab lab;
    private static FirewallUnderTest firewall;
    private static Path decisions;
    private static int metricsPort;

    @BeforeAll
    static void startFirewall() {
        lab = Lab.create();
        lab.startRecordingServer(80);
        firewall = new FirewallUnderTest(lab, QUEUE);
        firewall.applyRuleset("--ports", "80");
        decisions = lab.workDir().resolve("decisions.json");
        firewall.start(lab.baseDir().resolve("rules/example.yaml"), "--log-file", decisions.toString(),
                "--metrics", "127.0.0.1:0");
        String log = Lab.eventually(T, firewall::log, s -> METRICS_URL.matcher(s).find());
        Matcher m = METRICS_URL.matcher(log);
        if (!m.find()) {
            throw new AssertionError("the daemon did not say where it serves metrics:\n" + log);
        }
        metricsPort = Integer.parseInt(m.group(1));
    }

    @AfterAll
    static void stopFirewall() {
        if (lab != null) {
            lab.close();
        }
    }

    private static ExecResult curl(String path, String host, int maxSeconds) {
        return lab.exec(Node.CLIENT, T, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time",
                String.valueOf(maxSeconds), "-H", "Host: " + host, "http://" + Lab.SERVER_V4 + path);
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String lineAbout(Path file, String url) {
        List<String> lines = Lab.eventually(T, () -> lines(file),
                l -> l.stream().anyMatch(s -> s.contains("\"url\":\"" + url + "\"")));
        return lines.stream().filter(s -> s.contains("\"url\":\"" + url + "\"")).findFirst()
                .orElseThrow(() -> new AssertionError("no line for " + url + " in " + file + ": " + lines));
    }

    /** GET /metrics with curl inside the firewall namespace, parsed to "name{labels}" -> value. */
    private static Map<String, Double> scrape() {
        ExecResult r = lab.execOk(Node.FW, T, "curl", "-s", "--max-time", "5", "http://127.0.0.1:" + metricsPort + "/metrics");
        Map<String, Double> values = new HashMap<>();
        for (String line : r.stdout().split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int space = line.lastIndexOf(' ');
                values.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return values;
    }

    @Test
    @Order(1)
    void blockedRequestIsOneEveJsonLineInTheFile() {
        ExecResult r = curl("/APP2/secret", "www.example.com", 2);
        assertEquals(28, r.exitCode(), "expected a timeout: " + r.describe());
        assertFalse(lab.receivedRequests(80).stream().map(ReceivedRequest::path).anyMatch("/APP2/secret"::equals));
        String line = lineAbout(decisions, "/APP2/secret");
        assertTrue(line.matches("\\{\"timestamp\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\+0000\","
                + "\"event_type\":\"nfqwall\",\"src_ip\":\"10\\.99\\.1\\.2\",\"src_port\":\\d+,"
                + "\"dest_ip\":\"10\\.99\\.2\\.2\",\"dest_port\":80,\"proto\":\"TCP\",\"app_proto\":\"http\","
                + "\"nfqwall\":\\{\"action\":\"drop\",\"rule\":\"app2\",\"rule_line\":\\d+,\"mark\":null\\},"
                + "\"http\":\\{\"hostname\":\"www\\.example\\.com\",\"url\":\"/APP2/secret\",\"http_method\":\"GET\"\\}\\}"),
                line);
        // Every line of the file is JSON a standard parser takes.
        lab.execOk(Node.FW, T, "python3", "-c",
                "import json,sys\nfor l in open(sys.argv[1]): json.loads(l)", decisions.toString());
        // Decisions go to the file, the daemon's own messages to standard output.
        assertFalse(firewall.log().contains("/APP2/secret"), firewall.log());
        assertTrue(firewall.log().contains("nfqwall: queue " + QUEUE), firewall.log());
    }

    @Test
    @Order(2)
    void metricsCountTheDropOverHttpOnLoopback() {
        assertEquals("200", curl("/APP1/ok", "www.example.com", 5).stdout());
        Map<String, Double> m = Lab.eventually(T, DecisionLogAndMetricsIT::scrape,
                x -> x.getOrDefault("nfqwall_rule_decisions_total{rule=\"app1\",verdict=\"accept\"}", 0.0) >= 1);
        assertEquals(1.0, m.get("nfqwall_rule_decisions_total{rule=\"app2\",verdict=\"drop\"}"), m.toString());
        assertEquals(1.0, m.get("nfqwall_rule_decisions_total{rule=\"app1\",verdict=\"accept\"}"), m.toString());
        assertTrue(m.get("nfqwall_decisions_total{verdict=\"drop\"}") >= 1, m.toString());
        assertTrue(m.get("nfqwall_packets_total") > 0, m.toString());
        assertTrue(m.get("nfqwall_http_requests_total") >= 2, m.toString());
        assertTrue(m.get("nfqwall_verdict_latency_seconds_count") > 0, m.toString());
        assertTrue(m.get("nfqwall_verdict_latency_seconds_sum") > 0, m.toString());
        assertEquals(65536.0, m.get("nfqwall_flow_table_capacity"), m.toString());
        assertTrue(m.get("nfqwall_flow_table_flows") >= 1, m.toString());
        assertEquals(0.0, m.get("nfqwall_kernel_queue_dropped_total{queue=\"" + QUEUE + "\"}"), m.toString());
        assertEquals(0.0, m.get("nfqwall_kernel_user_dropped_total{queue=\"" + QUEUE + "\"}"), m.toString());
        assertTrue(m.containsKey("nfqwall_kernel_queue_waiting{queue=\"" + QUEUE + "\"}"), m.toString());
        assertEquals(0.0, m.get("nfqwall_internal_errors_total"), m.toString());
    }

    @Test
    @Order(3)
    void metricsAreServedOnLoopbackOnly() {
        ExecResult r = lab.exec(Node.CLIENT, T, "curl", "-s", "--max-time", "2",
                "http://" + Lab.FW_LAN_V4 + ":" + metricsPort + "/metrics");
        assertTrue(r.exitCode() != 0, "reachable from the client: " + r.describe());
    }

    @Test
    @Order(4)
    void sighupReopensTheFileAfterLogrotateRenamedIt() throws Exception {
        Path rotated = lab.workDir().resolve("decisions.json.1");
        Files.move(decisions, rotated);
        ExecResult hup = lab.exec(Node.FW, T, "kill", "-HUP", Long.toString(firewall.process().pid()));
        assertEquals(0, hup.exitCode(), hup.describe());
        assertTrue(Lab.eventually(T, () -> Files.exists(decisions), x -> x), "not reopened:\n" + firewall.log());
        assertEquals(28, curl("/APP2/after-rotate", "www.example.com", 2).exitCode());
        lineAbout(decisions, "/APP2/after-rotate");
        assertTrue(lines(rotated).stream().noneMatch(s -> s.contains("after-rotate")), lines(rotated).toString());
        assertTrue(lines(rotated).stream().anyMatch(s -> s.contains("/APP2/secret")), lines(rotated).toString());
        assertTrue(firewall.process().isAlive(), firewall.log());
    }

    @Test
    @Order(5)
    void sigtermStopsWithExitZero() {
        assertEquals(0, firewall.stop(), firewall.log());
        assertTrue(firewall.log().contains("nfqwall: stopped:"), firewall.log());
    }
}
