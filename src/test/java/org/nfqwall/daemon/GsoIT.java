package org.nfqwall.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.nfqwall.control.Json;
import org.nfqwall.lab.ExecResult;
import org.nfqwall.lab.Lab;
import org.nfqwall.lab.Node;
import org.nfqwall.lab.ReceivedRequest;
import org.nfqwall.lab.SplitResult;

/**
 * GSO/GRO super-packets through the real kernel: the client's veth may send segments of up to
 * 64 KiB (unlike the other labs, whose client segments like a NIC), and a large initial window
 * on both ends lets one write leave as one super-packet. The queue takes them whole
 * (NFQA_CFG_F_GSO), cut to a copy range of 18020 bytes (the daemon runs with small inspection
 * limits), and the engine decides them: right when the captured part is enough, by dropping the
 * packet when the cut-off part would still be inspected.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GsoIT {
    private static final Duration T = Duration.ofSeconds(30);
    private static final int QUEUE = 5;
    /** PacketView.MAX_HEADER_BYTES plus --max-hello 512 with its 1024 bytes of record headers. */
    private static final int COPY_RANGE = 16484 + 512 + 1024;
    private static Lab lab;
    private static FirewallUnderTest firewall;
    private static Path socket;

    @BeforeAll
    static void startFirewall() {
        lab = Lab.create();
        lab.execOk(Node.CLIENT, T, "ip", "link", "set", "dev", "eth0", "gso_max_segs", "65535");
        lab.execOk(Node.CLIENT, T, "ip", "route", "change", "default", "via", Lab.FW_LAN_V4, "initcwnd", "64",
                "initrwnd", "64");
        lab.execOk(Node.SERVER, T, "ip", "route", "change", "default", "via", Lab.FW_WAN_V4, "initcwnd", "64",
                "initrwnd", "64");
        lab.startRecordingServer(80);
        firewall = new FirewallUnderTest(lab, QUEUE);
        firewall.applyRuleset("--ports", "80");
        socket = lab.workDir().resolve("gso-control.sock");
        firewall.start(lab.baseDir().resolve("rules/example.yaml"), "--control", socket.toString(),
                "--max-head", "1024", "--max-hello", "512");
    }

    @AfterAll
    static void stopFirewall() {
        if (lab != null) {
            lab.close();
        }
    }

    private static boolean received(String path) {
        return lab.receivedRequests(80).stream().map(ReceivedRequest::path).anyMatch(path::equals);
    }

    private static String post(String path, String host, int bodyBytes, String connection) {
        return "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: " + bodyBytes
                + "\r\nConnection: " + connection + "\r\n\r\n" + "b".repeat(bodyBytes);
    }

    /** The daemon's engine counters ({@code nfqwall stats --json}). */
    private static Map<?, ?> engineCounters() {
        String[] cmd = Stream.concat(Stream.of("java", "-jar", FirewallUnderTest.jar().toString()),
                Stream.of("stats", "--json", "--control", socket.toString())).toArray(String[]::new);
        ExecResult r = lab.exec(Node.FW, T, cmd);
        assertEquals(0, r.exitCode(), r.describe());
        try {
            return (Map<?, ?>) Json.parseObject(r.stdout().strip()).get("engine");
        } catch (Json.JsonException e) {
            throw new AssertionError("stats --json: " + r.describe(), e);
        }
    }

    private static long counter(String name) {
        return (Long) engineCounters().get(name);
    }

    @Test
    @Order(1)
    void superPacketsReachTheDaemonWholeAndAreDecided() {
        assertTrue(firewall.log().contains("nfqwall: queue " + QUEUE), firewall.log());
        assertFalse(firewall.log().contains("refused NFQA_CFG_F_GSO"), firewall.log());
        long gsoBefore = counter("gso_packets");

        SplitResult ok = lab.splitClient(Lab.SERVER_V4, 80)
                .piece(post("/APP1/gso", "www.example.com", 12000, "close")).timeout(Duration.ofSeconds(5)).run();
        assertEquals(List.of(200), ok.statuses(), ok.json());
        assertTrue(received("/APP1/gso"));

        SplitResult blocked = lab.splitClient(Lab.SERVER_V4, 80)
                .piece(post("/APP2/gso", "www.example.com", 12000, "close")).timeout(Duration.ofSeconds(2)).run();
        assertTrue(blocked.statuses().isEmpty(), blocked.json());
        assertFalse(received("/APP2/gso"));

        Map<?, ?> engine = engineCounters();
        assertTrue((Long) engine.get("gso_packets") > gsoBefore, "super-packets were queued whole: " + engine);
        assertTrue((Long) engine.get("bytes") / (Long) engine.get("packets") > 1500,
                "the average queued packet is larger than the MTU: " + engine);
    }

    @Test
    @Order(2)
    void aPipelinedHeadPastTheCopyRangeIsNotLetThrough() {
        long truncatedBefore = counter("truncated_dropped");
        // One write: an allowed upload whose body runs past the copy range, then a request for a
        // blocked host, both in the cut-off part of one super-packet.
        String first = post("/APP1/first", "www.example.com", COPY_RANGE, "keep-alive");
        String second = "GET /pipelined-blocked HTTP/1.1\r\nHost: blocked.example.org\r\nConnection: close\r\n\r\n";
        SplitResult r = lab.splitClient(Lab.SERVER_V4, 80).piece(first + second)
                .timeout(Duration.ofSeconds(8)).run();

        assertFalse(received("/pipelined-blocked"), r.json());
        assertTrue(counter("truncated_dropped") > truncatedBefore,
                "the super-packet was cut and dropped, then resent in segments that fit: " + engineCounters());
        // The resent bytes that complete the blocked head drop the connection; a segment that also
        // carries the first request goes with it, as when both share a segment (FirewallIT).
        assertTrue(firewall.log().contains("blocked-site"), "the blocked head was read and decided: " + firewall.log());
    }

    @Test
    @Order(3)
    void anAllowedLargeUploadCompletes() throws IOException {
        Path body = lab.workDir().resolve("upload.bin");
        Files.write(body, new byte[4 << 20]);
        long started = System.nanoTime();
        ExecResult r = lab.exec(Node.CLIENT, T, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time",
                "20", "-H", "Host: www.example.com", "-H", "Expect:", "--data-binary", "@" + body,
                "http://" + Lab.SERVER_V4 + "/APP1/upload");
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals("200", r.stdout(), r.describe());
        assertTrue(received("/APP1/upload"));
        System.out.println("GsoIT: 4 MiB upload through the queue in " + millis + " ms; engine " + engineCounters());
    }
}
