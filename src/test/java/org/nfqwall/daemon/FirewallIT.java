package org.nfqwall.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.nfqwall.cli.Main;
import org.nfqwall.lab.ExecResult;
import org.nfqwall.lab.Lab;
import org.nfqwall.lab.Node;
import org.nfqwall.lab.ReceivedRequest;
import org.nfqwall.lab.SplitResult;

/**
 * The whole path through the kernel: a client, firewall and server namespace, the generated
 * iptables rules applied in the firewall, the daemon running there on rules/example.yaml, real
 * requests from the client, and assertions on what the server received and on iptables counters.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FirewallIT {
    private static final Duration T = Duration.ofSeconds(20);
    private static final int QUEUE = 3;
    private static Lab lab;
    private static Process daemon;
    private static Path daemonLog;

    @BeforeAll
    static void startFirewall() throws IOException {
        lab = Lab.create();
        lab.startRecordingServer(80);
        applyRuleset(false);
        applyRuleset(true);
        // Counts packets that leave the firewall carrying the rule mark 0x6 (video -> shaped).
        lab.execOk(Node.FW, T, "iptables-legacy", "-t", "mangle", "-A", "POSTROUTING", "-p", "tcp",
                "-m", "mark", "--mark", "0x6");
        startDaemon();
    }

    @AfterAll
    static void stopFirewall() {
        if (lab != null) {
            lab.close();
        }
    }

    private static void applyRuleset(boolean ipv6) throws IOException {
        StringWriter out = new StringWriter();
        List<String> args = new java.util.ArrayList<>(List.of("iptables", "--queue", String.valueOf(QUEUE),
                "--chain", "FORWARD", "--ports", "80"));
        if (ipv6) {
            args.add("--ipv6");
        }
        int code = Main.execute(new PrintWriter(out), new PrintWriter(new StringWriter()), args.toArray(String[]::new));
        assertEquals(0, code);
        Path doc = lab.workDir().resolve(ipv6 ? "rules6.txt" : "rules4.txt");
        Files.writeString(doc, out.toString());
        lab.execOk(Node.FW, T, "sh", "-c", (ipv6 ? "ip6tables" : "iptables") + "-legacy-restore --noflush < " + doc);
    }

    private static void startDaemon() {
        daemonLog = lab.workDir().resolve("daemon-" + System.nanoTime() + ".log");
        Path rules = lab.baseDir().resolve("rules/example.yaml");
        daemon = lab.start(Node.FW, daemonLog, "java", "-jar", jar().toString(), "run", "--rules", rules.toString(),
                "--queue", String.valueOf(QUEUE));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!log().contains("nfqwall: queue " + QUEUE)) {
            if (!daemon.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the daemon did not start:\n" + log());
            }
            sleep(50);
        }
    }

    private static Path jar() {
        Path jar = Path.of(System.getProperty("nfqwall.jar", "target/nfqwall.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError(jar + " is missing: kernel-level tests run after `mvn package` (mvn verify)");
        }
        return jar;
    }

    private static String log() {
        try {
            return Files.exists(daemonLog) ? Files.readString(daemonLog) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** curl from the client; returns its exit code (0 ok, 28 timeout, 7 refused, 52/56 reset) and status. */
    private static ExecResult curl(String url, String host, int maxSeconds) {
        return lab.exec(Node.CLIENT, T, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time",
                String.valueOf(maxSeconds), "-H", "Host: " + host, url);
    }

    private static boolean received(String path) {
        return lab.receivedRequests(80).stream().map(ReceivedRequest::path).anyMatch(path::equals);
    }

    private static String v4(String path) {
        return "http://" + Lab.SERVER_V4 + path;
    }

    @Test
    @Order(1)
    void allowedPathReachesTheServer() {
        ExecResult r = curl(v4("/APP1/index"), "www.example.com", 5);
        assertEquals("200", r.stdout(), r.describe());
        assertTrue(received("/APP1/index"));
    }

    @Test
    @Order(2)
    void droppedPathNeverReachesTheServer() {
        ExecResult r = curl(v4("/APP2/secret"), "www.example.com", 2);
        assertEquals(28, r.exitCode(), "expected a timeout: " + r.describe());
        assertFalse(received("/APP2/secret"));
        assertTrue(log().contains("rule=app2"), log());
    }

    @Test
    @Order(3)
    void blockedHostIsBlockedInOddCaseWithPortAndTrailingDot() {
        for (String host : List.of("BLOCKED.Example.ORG", "blocked.example.org:80", "blocked.example.org.")) {
            String path = "/odd/" + host.replace(':', '_');
            ExecResult r = curl(v4(path), host, 2);
            assertEquals(28, r.exitCode(), host + ": " + r.describe());
            assertFalse(received(path), host);
        }
    }

    @Test
    @Order(4)
    void headSplitAcrossThreeSegmentsIsStillJudged() {
        String blocked = "GET /APP2/split HTTP/1.1\r\nHost: www.example.com\r\nConnection: close\r\n\r\n";
        SplitResult r = lab.splitClient(Lab.SERVER_V4, 80).request(blocked, 3).timeout(Duration.ofSeconds(2)).run();
        assertEquals(3, r.piecesSent(), r.json());
        assertTrue(r.statuses().isEmpty(), r.json());
        assertFalse(received("/APP2/split"));

        String allowed = "GET /APP1/split HTTP/1.1\r\nHost: www.example.com\r\nConnection: close\r\n\r\n";
        SplitResult ok = lab.splitClient(Lab.SERVER_V4, 80).request(allowed, 3).run();
        assertEquals(List.of(200), ok.statuses(), ok.json());
        assertTrue(received("/APP1/split"));
    }

    @Test
    @Order(5)
    void secondRequestOnAKeepAliveConnectionIsBlocked() {
        SplitResult r = lab.splitClient(Lab.SERVER_V4, 80)
                .piece("GET /APP1/first HTTP/1.1\r\nHost: www.example.com\r\n\r\n").awaitResponse()
                .piece("GET /APP2/second HTTP/1.1\r\nHost: www.example.com\r\n\r\n")
                .timeout(Duration.ofSeconds(2)).run();
        assertEquals(List.of(200), r.statuses(), r.json());
        assertTrue(received("/APP1/first"));
        assertFalse(received("/APP2/second"));
    }

    @Test
    @Order(6)
    void rejectResetsTheClientWithinASecond() {
        SplitResult r = lab.splitClient(Lab.SERVER_V4, 80)
                .piece("GET /ad.js HTTP/1.1\r\nHost: ads.example.net\r\n\r\n").timeout(Duration.ofSeconds(3)).run();
        assertTrue(r.reset(), r.json());
        assertTrue(r.msUntilEnd() != null && r.msUntilEnd() < 1000, r.json());
        assertFalse(received("/ad.js"));
    }

    @Test
    @Order(7)
    void markIsVisibleToAnIptablesMarkCounter() {
        long before = lab.iptablesPackets(Node.FW, "mangle", "POSTROUTING", "--mark 0x6");
        ExecResult r = curl(v4("/movie"), "video.example.org", 5);
        assertEquals("200", r.stdout(), r.describe());
        long after = lab.iptablesPackets(Node.FW, "mangle", "POSTROUTING", "--mark 0x6");
        assertTrue(after > before, "mark counter " + before + " -> " + after);
        assertTrue(received("/movie"));
    }

    @Test
    @Order(8)
    void ipv6RequestsAreJudgedToo() {
        String url = "http://[" + Lab.SERVER_V6 + "]";
        assertEquals("200", curl(url + "/APP1/v6", "www.example.com", 5).stdout());
        assertEquals(28, curl(url + "/APP2/v6", "www.example.com", 2).exitCode());
        assertTrue(received("/APP1/v6"));
        assertFalse(received("/APP2/v6"));
    }

    @Test
    @Order(9)
    void burstOfMalformedPacketsLeavesTheDaemonRunningAndCorrect() {
        lab.execOk(Node.CLIENT, T, "python3", lab.tool("malformed_burst.py").toString(), "--dst", Lab.SERVER_V4,
                "--port", "80", "--count", "2000");
        assertTrue(daemon.isAlive(), log());
        assertEquals("200", curl(v4("/APP1/after-burst"), "www.example.com", 5).stdout());
        assertEquals(28, curl(v4("/APP2/after-burst"), "www.example.com", 2).exitCode());
        assertTrue(received("/APP1/after-burst"));
        assertFalse(received("/APP2/after-burst"));
    }

    @Test
    @Order(10)
    void sigtermStopsTheDaemonWithExitZero() {
        assertEquals(0, lab.stop(daemon), log());
        assertTrue(log().contains("nfqwall: stopped:"), log());
        startDaemon();
    }

    @Test
    @Order(11)
    void trafficFlowsWhenTheDaemonIsKilled() throws InterruptedException {
        daemon.destroyForcibly().waitFor();
        ExecResult r = curl(v4("/APP2/fail-open"), "www.example.com", 5);
        assertEquals("200", r.stdout(), "fail-open: with no daemon the queue is bypassed: " + r.describe());
        assertTrue(received("/APP2/fail-open"));
    }
}
