package org.nfqwall.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
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
    private static FirewallUnderTest firewall;

    @BeforeAll
    static void startFirewall() {
        lab = Lab.create();
        lab.startRecordingServer(80);
        firewall = new FirewallUnderTest(lab, QUEUE);
        firewall.applyRuleset("--ports", "80");
        // Counts packets that leave the firewall carrying the rule mark 0x6 (video -> shaped).
        lab.execOk(Node.FW, T, "iptables-legacy", "-t", "mangle", "-A", "POSTROUTING", "-p", "tcp",
                "-m", "mark", "--mark", "0x6");
        firewall.start(lab.baseDir().resolve("rules/example.yaml"));
    }

    @AfterAll
    static void stopFirewall() {
        if (lab != null) {
            lab.close();
        }
    }

    private static String log() {
        return firewall.log();
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
        assertTrue(log().contains("\"rule\":\"app2\""), log());
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
        assertTrue(firewall.process().isAlive(), log());
        assertEquals("200", curl(v4("/APP1/after-burst"), "www.example.com", 5).stdout());
        assertEquals(28, curl(v4("/APP2/after-burst"), "www.example.com", 2).exitCode());
        assertTrue(received("/APP1/after-burst"));
        assertFalse(received("/APP2/after-burst"));
    }

    @Test
    @Order(10)
    void sigtermStopsTheDaemonWithExitZero() {
        assertEquals(0, firewall.stop(), log());
        assertTrue(log().contains("nfqwall: stopped:"), log());
        firewall.start(lab.baseDir().resolve("rules/example.yaml"));
    }

    @Test
    @Order(11)
    void trafficFlowsWhenTheDaemonIsKilled() throws InterruptedException {
        firewall.process().destroyForcibly().waitFor();
        ExecResult r = curl(v4("/APP2/fail-open"), "www.example.com", 5);
        assertEquals("200", r.stdout(), "fail-open: with no daemon the queue is bypassed: " + r.describe());
        assertTrue(received("/APP2/fail-open"));
    }
}
