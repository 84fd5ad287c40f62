package org.nfqwall.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
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
import org.nfqwall.cli.Main;
import org.nfqwall.control.Json;
import org.nfqwall.lab.ExecResult;
import org.nfqwall.lab.Lab;
import org.nfqwall.lab.Node;
import org.nfqwall.lab.ReceivedRequest;

/**
 * The control socket against the real daemon in the lab's firewall namespace: statistics after
 * real traffic, a refused reload that keeps the rules in force, {@code reload --dry-run}, SIGHUP,
 * and 100 reloads under continuous traffic without one wrong decision.
 *
 * <p>The CLI runs in the firewall namespace like the daemon ({@code ip netns exec}, the packaged
 * jar), on a socket in a per-test temporary directory ({@code --control}). The 100 reloads run the
 * same CLI code in this JVM ({@link Main#execute}): a UNIX socket with a path is a file, reachable
 * from every network namespace, and starting a JVM per reload would measure the JVM, not the reload.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControlIT {
    private static final Duration T = Duration.ofSeconds(30);
    private static final int QUEUE = 6;
    private static final int RELOADS = 100;
    private static Lab lab;
    private static FirewallUnderTest firewall;
    private static Path dir;
    private static Path socket;
    private static Path rulesA;
    private static Path rulesB;

    @BeforeAll
    static void startFirewall() throws IOException {
        lab = Lab.create();
        dir = Files.createTempDirectory("nfqwall-control-it");
        socket = dir.resolve("run/control.sock");
        rulesA = copy("rules-a.yaml");
        rulesB = copy("rules-b.yaml");
        lab.startRecordingServer(80);
        firewall = new FirewallUnderTest(lab, QUEUE);
        firewall.applyRuleset("--ports", "80");
        firewall.start(rulesA, "--control", socket.toString());
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

    private static Path copy(String name) throws IOException {
        Path target = dir.resolve(name);
        Files.copy(lab.baseDir().resolve("src/test/resources/control/" + name), target);
        return target;
    }

    /** The packaged CLI in the firewall namespace, on this test's socket. */
    private static ExecResult cli(String... args) {
        String[] cmd = Stream.concat(Stream.of("java", "-jar", FirewallUnderTest.jar().toString()),
                Stream.concat(Stream.of(args), Stream.of("--control", socket.toString()))).toArray(String[]::new);
        return lab.exec(Node.FW, T, cmd);
    }

    /** curl from the client: its exit code (0 ok, 28 timeout, 52/56 reset) and the HTTP status. */
    private static ExecResult curl(String path) {
        return lab.exec(Node.CLIENT, T, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "3",
                "-H", "Host: www.example.com", "http://" + Lab.SERVER_V4 + path);
    }

    private static boolean received(String path) {
        return lab.receivedRequests(80).stream().map(ReceivedRequest::path).anyMatch(path::equals);
    }

    private static void assertAllowed(String path) {
        ExecResult r = curl(path);
        assertEquals("200", r.stdout(), r.describe());
        assertTrue(received(path), path);
    }

    private static void assertRejected(String path) {
        ExecResult r = curl(path);
        assertNotEquals(0, r.exitCode(), r.describe());
        assertNotEquals(28, r.exitCode(), "a reject resets at once, it does not time out: " + r.describe());
        assertFalse(received(path), path);
    }

    private static Map<String, Object> rule(List<?> rows, String name) {
        for (Object o : rows) {
            @SuppressWarnings("unchecked")
            Map<String, Object> row = (Map<String, Object>) o;
            if (name.equals(row.get("name"))) {
                return row;
            }
        }
        throw new AssertionError("no rule " + name + " in " + rows);
    }

    @Test
    @Order(1)
    void statsCountEachRulesDecisionsAfterRealTraffic() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertAllowed("/ok/stats-" + i);
        }
        for (int i = 0; i < 2; i++) {
            assertRejected("/blocked/stats-" + i);
        }
        assertAllowed("/other/stats");
        ExecResult r = cli("stats", "--json");
        assertEquals(0, r.exitCode(), r.describe());
        Map<String, Object> m = Json.parseObject(r.stdout().strip());
        List<?> rows = (List<?>) m.get("rules");
        Map<String, Object> allowed = rule(rows, "allowed");
        assertEquals(3L, allowed.get("decisions"), rows.toString());
        assertEquals(3L, allowed.get("packets"), "one deciding segment per request: " + rows);
        assertTrue((Long) allowed.get("bytes") > 3 * 60, rows.toString());
        assertTrue(allowed.get("last_hit") instanceof String, rows.toString());
        assertEquals(2L, rule(rows, "blocked").get("decisions"), rows.toString());
        assertEquals(1L, rule(rows, "(default)").get("decisions"), rows.toString());
        Map<?, ?> verdicts = (Map<?, ?>) m.get("verdicts");
        assertEquals(2L, verdicts.get("reject"), verdicts.toString());
        assertEquals(4L, verdicts.get("accept"), verdicts.toString());
        boolean ourQueue = false;
        for (Object o : (List<?>) m.get("kernel_queues")) {
            Map<?, ?> q = (Map<?, ?>) o;
            if (((Long) q.get("queue")) == QUEUE) {
                ourQueue = true;
                assertNotEquals(0L, q.get("portid"), q.toString());
                assertTrue((Long) q.get("id_sequence") >= 9, "at least 6 SYNs and 6 heads were queued: " + q);
            }
        }
        assertTrue(ourQueue, "queue " + QUEUE + " in the daemon's namespace: " + m.get("kernel_queues"));
        assertTrue((Long) ((Map<?, ?>) m.get("queue_socket")).get("packets") >= 12, m.get("queue_socket").toString());

        ExecResult text = cli("stats");
        assertEquals(0, text.exitCode(), text.describe());
        assertTrue(text.stdout().contains("note: per rule: decisions taken, and the packets and bytes that carried them"),
                text.stdout());
        assertTrue(text.stdout().matches("(?s).*\nallowed +7 +accept +3 +3 .*"), text.stdout());
        assertTrue(text.stdout().contains("kernel queue " + QUEUE + ": portid "), text.stdout());
        System.out.println("ControlIT stats:\n" + text.stdout());
    }

    @Test
    @Order(2)
    void statusIsOneLine() {
        ExecResult r = cli("status");
        assertEquals(0, r.exitCode(), r.describe());
        assertTrue(r.stdout().matches("running, pid \\d+, queue " + QUEUE + ", " + rulesA
                + ": 2 rules, 0 groups, 0 marks, default accept, up \\d+[smh].*, fail-open\n"), r.stdout());
    }

    @Test
    @Order(3)
    void aBrokenFileIsRefusedAndTheOldRulesStillJudgeTraffic() throws IOException {
        Path broken = copy("broken.yaml");
        ExecResult r = cli("reload", "--rules", broken.toString());
        assertEquals(1, r.exitCode(), r.describe());
        String[] lines = r.stderr().strip().split("\n");
        assertEquals(3, lines.length, r.stderr());
        assertTrue(lines[0].startsWith(broken + ":2:10: "), lines[0]);
        assertTrue(lines[1].startsWith(broken + ":5:11: "), lines[1]);
        assertEquals(broken + ": 2 error(s); the daemon keeps the rules in force", lines[2]);
        assertRejected("/blocked/after-broken");
        assertAllowed("/ok/after-broken");
        assertTrue(firewall.log().contains("refused (control socket), 2 error(s); keeping the previous rules"), firewall.log());
        assertTrue(cli("status").stdout().contains(rulesA + ": 2 rules"), "the file in force is still " + rulesA);
    }

    @Test
    @Order(4)
    void dryRunPrintsWhatWouldChangeAndChangesNothing() {
        ExecResult r = cli("reload", "--rules", rulesB.toString(), "--dry-run");
        assertEquals(0, r.exitCode(), r.describe());
        assertEquals(rulesB + ": ok, 3 rules, 0 groups, 0 marks, default accept (dry run: the rules in force are unchanged)\n"
                + "changes against the rules in force:\n"
                + "+ rule \"extra\" (line 10): drop\n"
                + "~ rule \"allowed\" (line 4): moved: rule 1 of 3 (was 2 of 2)\n"
                + "~ rule \"blocked\" (line 7): path: /blocked* -> /blocked*, /also-blocked*\n", r.stdout());
        assertTrue(cli("status").stdout().contains(rulesA + ": 2 rules"), "nothing was swapped");
        System.out.println("ControlIT reload --dry-run:\n" + r.stdout());
    }

    @Test
    @Order(5)
    void sighupReloadsTheFileInForce() throws Exception {
        String original = Files.readString(rulesA);
        Files.writeString(rulesA, original.replace("rules:\n", "rules:\n  - name: hup\n    path: \"/hup*\"\n    verdict: reject\n"));
        try {
            assertAllowed("/hup/before");
            int before = count(firewall.log(), "(SIGHUP)");
            daemonProcess().ifPresentOrElse(p -> lab.execOk(Node.FW, T, "kill", "-HUP", String.valueOf(p.pid())),
                    () -> {
                        throw new AssertionError("no daemon process");
                    });
            Lab.eventually(Duration.ofSeconds(10), () -> count(firewall.log(), "(SIGHUP)"), n -> n > before);
            assertTrue(firewall.log().contains("reloaded " + rulesA + " (SIGHUP): 3 rules"), firewall.log());
            assertRejected("/hup/after");
            assertAllowed("/ok/after-hup");
        } finally {
            Files.writeString(rulesA, original);
        }
        ExecResult back = cli("reload");
        assertEquals(0, back.exitCode(), back.describe());
        assertTrue(back.stdout().contains("- rule \"hup\""), back.stdout());
    }

    private static java.util.Optional<ProcessHandle> daemonProcess() {
        ProcessHandle p = firewall.process().toHandle();
        return Stream.concat(Stream.of(p), p.descendants())
                .filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false)).findFirst();
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    @Order(6)
    void hundredReloadsUnderTrafficDecideEveryRequestRight() throws Exception {
        Path stop = lab.workDir().resolve("stop-loop");
        Path loopLog = lab.workDir().resolve("request-loop.json");
        Process loop = lab.start(Node.CLIENT, loopLog, "python3", lab.tool("request_loop.py").toString(), "--host",
                Lab.SERVER_V4, "--port", "80", "--stop-file", stop.toString(), "--max-seconds", "120");
        FirewallUnderTest.sleep(500);
        long start = System.nanoTime();
        int reloads = 0;
        for (int i = 0; i < RELOADS; i++) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            Path file = i % 2 == 0 ? rulesB : rulesA;
            int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "reload", "--rules",
                    file.toString(), "--control", socket.toString());
            assertEquals(0, code, "reload " + i + ": " + out + err);
            reloads++;
            // Leave the loop a few requests between two reloads, so every swap happens under traffic.
            FirewallUnderTest.sleep(20);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        FirewallUnderTest.sleep(500);
        Files.writeString(stop, "stop");
        if (!loop.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new AssertionError("the request loop did not stop");
        }
        String summary = Files.readString(loopLog).strip();
        Map<String, Object> m = Json.parseObject(summary.substring(summary.lastIndexOf('\n') + 1));
        long allowedSent = (Long) m.get("allowed_sent");
        long blockedSent = (Long) m.get("blocked_sent");
        System.out.printf("ControlIT reload under traffic: %d reloads in %.2f s; %d requests sent (%d allowed, %d failed;"
                        + " %d blocked, %d answered) in %s s%n", reloads, seconds, allowedSent + blockedSent, allowedSent,
                m.get("allowed_failed"), blockedSent, m.get("blocked_answered"), m.get("seconds"));
        assertEquals(RELOADS, reloads);
        assertTrue(allowedSent >= 20 && blockedSent >= 20, "the loop must run during the reloads: " + summary);
        assertEquals(0L, m.get("allowed_failed"), summary);
        assertEquals(0L, m.get("blocked_answered"), summary);
        List<String> blockedAtServer = lab.receivedRequests(80).stream().map(ReceivedRequest::path)
                .filter(p -> p.startsWith("/blocked/loop-")).toList();
        assertEquals(List.of(), blockedAtServer, "no blocked request may reach the server");
        long allowedAtServer = lab.receivedRequests(80).stream().map(ReceivedRequest::path)
                .filter(p -> p.startsWith("/ok/loop-")).count();
        assertEquals(allowedSent, allowedAtServer, summary);
        assertTrue(firewall.process().isAlive(), firewall.log());
        assertEquals(1, count(firewall.log(), "refused"), "only the broken file was refused, earlier: " + firewall.log());
    }

    @Test
    @Order(7)
    void stoppingTheDaemonRemovesItsSocketAndTheCliSaysSo() {
        assertEquals(0, firewall.stop(), firewall.log());
        assertFalse(Files.exists(socket), "the socket file is removed at exit");
        ExecResult r = cli("status");
        assertEquals(3, r.exitCode(), r.describe());
        assertEquals("nfqwall: cannot reach the daemon at " + socket + ": No such file (is it running? --control PATH)",
                r.stderr().strip());
    }
}
