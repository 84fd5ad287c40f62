package org.nfqwall.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nfqwall.cli.Main;
import org.nfqwall.control.Json;
import org.nfqwall.lab.ExecResult;
import org.nfqwall.lab.Lab;
import org.nfqwall.lab.Node;
import org.nfqwall.lab.ReceivedRequest;

/**
 * Two queues against the kernel: the daemon runs {@code --queues 0-1} behind the ruleset
 * generated for {@code --queues 0-1} ({@code --queue-balance 0:1}); the client sends HTTP from
 * {@value #SOURCES} source addresses, which the kernel's hash of the addresses spreads over both
 * queues. Every source's allowed request is answered and its blocked one reset, whichever queue
 * decided it; both queues saw packets (their own counters and the kernel's); the totals of
 * {@code stats} are the sums of the per-queue numbers; SIGTERM stops both workers (exit 0).
 */
class MultiQueueIT {
    private static final Duration T = Duration.ofSeconds(60);
    /**
     * Source addresses on the client: the kernel hashes addresses and protocol to a queue with a
     * random seed, so all of them land on one of two queues with probability 2^-(SOURCES-1).
     */
    private static final int SOURCES = 24;
    private static final int FIRST_HOST = 10;
    private static Lab lab;
    private static FirewallUnderTest firewall;
    private static Path dir;
    private static Path socket;

    @BeforeAll
    static void startFirewall() throws IOException {
        lab = Lab.create();
        dir = Files.createTempDirectory("nfqwall-multiqueue-it");
        socket = dir.resolve("control.sock");
        Path rules = dir.resolve("rules.yaml");
        Files.copy(lab.baseDir().resolve("src/test/resources/control/rules-a.yaml"), rules);
        for (String source : sources()) {
            // The fw already routes the client's /24 (lan0); the extra addresses need nothing more.
            lab.execOk(Node.CLIENT, T, "ip", "addr", "add", source + "/24", "dev", "eth0");
        }
        lab.startRecordingServer(80);
        firewall = new FirewallUnderTest(lab, "0-1");
        firewall.applyRuleset("--ports", "80");
        firewall.start(rules, "--control", socket.toString(), "--state-dir", dir.resolve("state").toString());
    }

    @AfterAll
    static void stopFirewall() throws IOException {
        if (lab != null) {
            lab.close();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static List<String> sources() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < SOURCES; i++) {
            out.add("10.99.1." + (FIRST_HOST + i));
        }
        return out;
    }

    @Test
    void bothQueuesDecideAndTheTotalsAreTheirSums() throws Exception {
        String chain = lab.execOk(Node.FW, T, "iptables-legacy", "-S", "NFQWALL").stdout();
        assertTrue(chain.contains("-j NFQUEUE --queue-balance 0:1 --queue-bypass\n"), chain);
        // One shell in the client namespace: per source, an allowed and a blocked request.
        String script = sources().stream().map(s -> "for p in /ok/" + s + " /blocked/" + s + "; do"
                + " c=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 --interface " + s
                + " -H 'Host: www.example.com' http://" + Lab.SERVER_V4 + "$p); e=$?; echo \"" + s + " $p $c $e\"; done")
                .collect(Collectors.joining("\n"));
        ExecResult r = lab.execOk(Node.CLIENT, T, "sh", "-c", script);
        List<String> lines = r.stdout().lines().toList();
        assertEquals(2 * SOURCES, lines.size(), r.describe());
        Set<String> received = lab.receivedRequests(80).stream().map(ReceivedRequest::path).collect(Collectors.toSet());
        for (String line : lines) {
            String[] f = line.split(" ");
            String path = f[1];
            if (path.startsWith("/ok/")) {
                assertEquals("200", f[2], "allowed request answered: " + line);
                assertTrue(received.contains(path), path);
            } else {
                assertNotEquals("0", f[3], "blocked request reset: " + line);
                assertNotEquals("28", f[3], "a reject resets at once, it does not time out: " + line);
                assertFalse(received.contains(path), path);
            }
        }

        Map<String, Object> m = settledStats();
        assertEquals(List.of(0L, 1L), m.get("queues"), m.toString());
        List<?> perQueue = (List<?>) m.get("per_queue");
        assertEquals(2, perQueue.size(), m.toString());
        long packets = 0;
        long flows = 0;
        long capacity = 0;
        long enobufs = 0;
        for (Object o : perQueue) {
            Map<?, ?> q = (Map<?, ?>) o;
            assertTrue((Long) q.get("packets") > 0, "each queue received packets: " + perQueue);
            Map<?, ?> kernel = (Map<?, ?>) q.get("kernel");
            assertTrue(kernel != null && (Long) kernel.get("id_sequence") > 0, "the kernel queued to each queue: " + q);
            assertEquals(q.get("queue"), kernel.get("queue"), q.toString());
            packets += (Long) q.get("packets");
            flows += (Long) q.get("flows");
            capacity += (Long) q.get("flow_capacity");
            enobufs += (Long) q.get("enobufs");
        }
        assertEquals(packets, ((Map<?, ?>) m.get("engine")).get("packets"), m.toString());
        assertEquals(packets, ((Map<?, ?>) m.get("queue_socket")).get("packets"), m.toString());
        assertEquals(enobufs, ((Map<?, ?>) m.get("queue_socket")).get("enobufs"), m.toString());
        Map<?, ?> f = (Map<?, ?>) m.get("flows");
        assertEquals(flows, f.get("tracked"), m.toString());
        assertEquals(capacity, f.get("capacity"), m.toString());
        assertEquals(65536L, capacity, "--flows is divided among the queues");
        Map<?, ?> verdicts = (Map<?, ?>) m.get("verdicts");
        assertEquals((long) SOURCES, verdicts.get("reject"), verdicts.toString());
        assertEquals((long) SOURCES, verdicts.get("accept"), verdicts.toString());

        StringWriter status = new StringWriter();
        assertEquals(0, Main.execute(new PrintWriter(status), new PrintWriter(new StringWriter()), "status",
                "--control", socket.toString()));
        assertTrue(status.toString().contains(", queues 0-1, "), status.toString());

        assertEquals(0, firewall.stop(), firewall.log());
        String log = firewall.log();
        assertTrue(log.contains("nfqwall: stopped: " + packets + " packets"), "the stop line sums both queues:\n" + log);
    }

    /**
     * {@code stats --json}, read until two reads a moment apart agree on the packet count (a
     * FIN or a late retransmission may still be on its way), at most 20 times.
     */
    private static Map<String, Object> settledStats() throws Exception {
        Map<String, Object> last = null;
        for (int i = 0; i < 20; i++) {
            Map<String, Object> m = stats();
            if (last != null && ((Map<?, ?>) m.get("engine")).get("packets")
                    .equals(((Map<?, ?>) last.get("engine")).get("packets"))) {
                return m;
            }
            last = m;
            FirewallUnderTest.sleep(300);
        }
        throw new AssertionError("the packet counts did not settle: " + last);
    }

    private static Map<String, Object> stats() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(0, Main.execute(new PrintWriter(out), new PrintWriter(err), "stats", "--json", "--control",
                socket.toString()), err.toString());
        return Json.parseObject(out.toString().strip());
    }
}
