package org.nfqwall.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The lab itself: routing through the firewall, the recording server, the split client, cleanup. */
class LabIT {
    private static final Duration T = Duration.ofSeconds(10);
    private static final int PLAIN_PORT = 80;
    private static final int SPLIT_PORT = 8081;
    private static final int RESET_PORT = 8082;
    private static final int DROP_PORT = 8083;
    private static Lab lab;

    @BeforeAll
    static void buildLab() {
        lab = Lab.create();
        for (int port : List.of(PLAIN_PORT, SPLIT_PORT, RESET_PORT, DROP_PORT)) {
            lab.startRecordingServer(port);
        }
        // Count data segments per port on the forwarding path; reject or drop the last two.
        lab.execOk(Node.FW, T, "iptables-legacy", "-A", "FORWARD", "-p", "tcp", "--dport",
                Integer.toString(SPLIT_PORT), "--tcp-flags", "PSH", "PSH");
        lab.execOk(Node.FW, T, "iptables-legacy", "-A", "FORWARD", "-p", "tcp", "--dport",
                Integer.toString(RESET_PORT), "--tcp-flags", "PSH", "PSH", "-j", "REJECT",
                "--reject-with", "tcp-reset");
        lab.execOk(Node.FW, T, "iptables-legacy", "-A", "FORWARD", "-p", "tcp", "--dport",
                Integer.toString(DROP_PORT), "--tcp-flags", "PSH", "PSH", "-j", "DROP");
        lab.execOk(Node.FW, T, "ip6tables-legacy", "-A", "FORWARD", "-p", "icmpv6",
                "--icmpv6-type", "echo-request");
    }

    @AfterAll
    static void removeLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void clientPingsServerOverIpv4ThroughFirewall() {
        lab.execOk(Node.CLIENT, T, "ping", "-c", "1", "-W", "2", Lab.SERVER_V4);
    }

    @Test
    void clientPingsServerOverIpv6ThroughFirewall() {
        long before = lab.ip6tablesPackets(Node.FW, "filter", "FORWARD", "--icmpv6-type 128");
        lab.execOk(Node.CLIENT, T, "ping", "-c", "1", "-W", "2", Lab.SERVER_V6);
        assertEquals(before + 1, lab.ip6tablesPackets(Node.FW, "filter", "FORWARD", "--icmpv6-type 128"),
                "the echo request must cross the firewall's FORWARD chain");
    }

    @Test
    void serverRoutesRepliesBackThroughFirewall() {
        lab.execOk(Node.SERVER, T, "ping", "-c", "1", "-W", "2", Lab.CLIENT_V4);
        lab.execOk(Node.SERVER, T, "ping", "-c", "1", "-W", "2", Lab.CLIENT_V6);
    }

    @Test
    void curlRequestOverIpv4IsAnsweredAndRecorded() {
        ExecResult curl = lab.execOk(Node.CLIENT, T, "curl", "-sS", "--max-time", "5", "-o",
                "/dev/null", "-w", "%{http_code}", "-H", "Host: www.example.com",
                "http://" + Lab.SERVER_V4 + "/APP1/curl-v4");
        assertEquals("200", curl.stdout());
        ReceivedRequest got = onlyRequestFor("/APP1/curl-v4");
        assertEquals("GET", got.method());
        assertEquals("www.example.com", got.host());
        assertEquals(Lab.CLIENT_V4, got.client());
        assertEquals(PLAIN_PORT, got.port());
    }

    @Test
    void curlRequestOverIpv6IsAnsweredAndRecorded() {
        ExecResult curl = lab.execOk(Node.CLIENT, T, "curl", "-sS", "-g", "--max-time", "5", "-o",
                "/dev/null", "-w", "%{http_code}", "-H", "Host: video.example.org",
                "http://[" + Lab.SERVER_V6 + "]/v6-path");
        assertEquals("200", curl.stdout());
        ReceivedRequest got = onlyRequestFor("/v6-path");
        assertEquals("video.example.org", got.host());
        assertEquals(Lab.CLIENT_V6, got.client());
    }

    @Test
    void requestSplitIntoThreeSegmentsArrivesAsOneRequest() {
        long segmentsBefore = lab.iptablesPackets(Node.FW, "filter", "FORWARD", "--dport " + SPLIT_PORT);
        SplitResult r = lab.splitClient(Lab.SERVER_V4, SPLIT_PORT)
                .piece("GET /AP").piece("P2/split HTTP/1.1\r\nHost: www.exa").piece("mple.com\r\n\r\n")
                .run();
        assertEquals(List.of(200), r.statuses(), r.json());
        assertEquals(3, r.piecesSent(), r.json());
        assertFalse(r.reset(), r.json());
        ReceivedRequest got = onlyRequestFor("/APP2/split");
        assertEquals("www.example.com", got.host());
        assertEquals(SPLIT_PORT, got.port());
        assertEquals(segmentsBefore + 3,
                lab.iptablesPackets(Node.FW, "filter", "FORWARD", "--dport " + SPLIT_PORT),
                "each piece must cross the firewall as its own data segment");
    }

    @Test
    void requestsOnOneKeepAliveConnectionAreAnsweredInTurn() {
        SplitResult r = lab.splitClient(Lab.SERVER_V6, PLAIN_PORT)
                .request("GET /keep/1 HTTP/1.1\r\nHost: a.example\r\n\r\n", 2).awaitResponse()
                .request("HEAD /keep/2 HTTP/1.1\r\nHost: a.example\r\n\r\n", 3)
                .run();
        assertEquals(List.of(200, 200), r.statuses(), r.json());
        assertEquals("HEAD", onlyRequestFor("/keep/2").method());
        assertEquals(Lab.CLIENT_V6, onlyRequestFor("/keep/1").client());
    }

    @Test
    void splitClientReportsResetFromFirewallAtOnce() {
        SplitResult r = lab.splitClient(Lab.SERVER_V4, RESET_PORT)
                .request("GET /reset-me HTTP/1.1\r\nHost: x\r\n\r\n", 1).run();
        assertTrue(r.connected(), r.json());
        assertTrue(r.reset(), r.json());
        assertTrue(r.statuses().isEmpty(), r.json());
        assertTrue(r.msUntilEnd() < 1000, r.json());
        assertTrue(lab.receivedRequests(RESET_PORT).isEmpty());
    }

    @Test
    void splitClientReportsTimeoutWhenFirewallDrops() {
        SplitResult r = lab.splitClient(Lab.SERVER_V4, DROP_PORT).timeout(Duration.ofSeconds(1))
                .request("GET /drop-me HTTP/1.1\r\nHost: x\r\n\r\n", 1).run();
        assertTrue(r.timedOut(), r.json());
        assertFalse(r.reset(), r.json());
        assertTrue(r.statuses().isEmpty(), r.json());
        assertTrue(lab.receivedRequests(DROP_PORT).isEmpty());
    }

    @Test
    void closeRemovesNamespacesAndProcessesEvenWhenTestFails() {
        Lab[] second = new Lab[1];
        Process[] sleeper = new Process[1];
        AssertionError failure = assertThrows(AssertionError.class, () -> {
            try (Lab other = Lab.create()) {
                second[0] = other;
                sleeper[0] = other.start(Node.FW, other.workDir().resolve("sleep.log"), "sleep", "60");
                assertEquals(3, other.remainingNamespaces().size());
                throw new AssertionError("a failing test");
            }
        });
        assertEquals("a failing test", failure.getMessage());
        assertEquals(List.of(), second[0].remainingNamespaces());
        assertFalse(sleeper[0].isAlive(), "processes started in the lab must be stopped");
    }

    @Test
    void iptablesCounterNamesTheChainWhenNoRuleMatches() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> lab.iptablesPackets(Node.FW, "filter", "FORWARD", "--dport 9"));
        assertTrue(e.getMessage().contains("-P FORWARD ACCEPT"), e.getMessage());
    }

    private static ReceivedRequest onlyRequestFor(String path) {
        List<ReceivedRequest> matching = lab.receivedRequests().stream()
                .filter(r -> r.path().equals(path)).toList();
        assertEquals(1, matching.size(), "requests for " + path + ": " + lab.receivedRequests());
        return matching.get(0);
    }
}
