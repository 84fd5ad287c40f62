package org.nfqwall.nfq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The C tools that {@code scripts/bench lab} measures with ({@code native/}), built and run for
 * real in a private namespace on its loopback: the flood goes through a real queue to the C
 * reference loop, the drain measurement empties a queue filled while the loop was stopped, and
 * the HTTP server answers the round-trip, requests-per-second and bulk clients. Numbers are not
 * judged here (that is the benchmark's job), only that each tool does what the benchmark relies on.
 */
class BenchmarkToolsIT {
    private static final Path NATIVE = Path.of("native");
    private static final String LOAD = "native/build/nfq_load";
    private static final String LOOP = "native/build/nfq_accept_loop";

    @BeforeAll
    static void build() throws IOException, InterruptedException {
        Process make = new ProcessBuilder("make", "-s", "-C", NATIVE.toString()).redirectErrorStream(true).start();
        assertTrue(make.waitFor(120, TimeUnit.SECONDS), "make -C native did not finish within 120 s");
        String output = new String(make.getInputStream().readAllBytes());
        assertEquals(0, make.exitValue(), "make -C native failed (scripts/setup installs gcc and the -dev packages):\n"
                + output);
        assertTrue(Files.isExecutable(Path.of(LOAD)) && Files.isExecutable(Path.of(LOOP)), "native tools not built");
    }

    @Test
    void floodedSegmentsCrossARealQueueAndTheCLoopVerdictsEachOnce() throws Exception {
        try (NetNamespace ns = NetNamespace.create()) {
            NetNamespace.Program loop = startLoop(ns, 3, "-n", "2000", "-t", "20");

            Map<String, String> flood = fields(ns.run(LOAD, "flood", "-d", "127.0.0.1", "-p", "8080", "-S",
                    "127.0.0.1", "-f", "16", "-n", "2000", "-t", "10"));

            assertEquals("2000", flood.get("sent"));
            assertEquals("16", flood.get("flows"));
            assertEquals("2000", fields(loop.awaitLine("packets=", 20)).get("packets"));
            assertEquals(2000, ns.ruleCount("raw", "PREROUTING", "dpt:8080"), "segments that reached the receiver");
        }
    }

    @Test
    void drainTimesAQueueFilledWhileTheLoopWasStopped() throws Exception {
        try (NetNamespace ns = NetNamespace.create()) {
            NetNamespace.Program loop = startLoop(ns, 4, "-l", "8192", "-t", "20");
            signal("STOP", loop.pid());
            try {
                // On OUTPUT, a queued packet still counts against the raw socket's send buffer,
                // so a stopped loop holds only about 250 of them here (forwarded ones, as in the
                // benchmark lab, are not charged to the sender).
                ns.run(LOAD, "flood", "-d", "127.0.0.1", "-p", "8080", "-S", "127.0.0.1", "-m", "body", "-n", "200",
                        "-t", "10");
                Map<String, String> drain = fields(ns.run(LOAD, "drain", "-q", "4", "-P", Long.toString(loop.pid()),
                        "-e", "200", "-t", "10"));
                assertEquals("200", drain.get("drained"));
                assertTrue(Double.parseDouble(drain.get("pps")) > 0, drain.toString());
            } finally {
                signal("CONT", loop.pid());
            }
            assertEquals(200, ns.ruleCount("raw", "PREROUTING", "dpt:8080"), "segments let through after the drain");
        }
    }

    @Test
    void serverAnswersTheRoundTripRequestsAndBulkClients() throws Exception {
        try (NetNamespace ns = NetNamespace.create()) {
            NetNamespace.Program server = ns.start("nfq_load serve", LOAD, "serve", "-p", "8081", "-l", "127.0.0.1",
                    "-t", "60");
            server.awaitLine("listening", 10);

            Map<String, String> rtt = fields(ns.run(LOAD, "rtt", "-d", "127.0.0.1", "-p", "8081", "-n", "200", "-w", "10",
                    "-i", "50", "-t", "15"));
            Map<String, String> rps = fields(ns.run(LOAD, "rps", "-d", "127.0.0.1", "-p", "8081", "-t", "1", "-c", "4",
                    "-n", "500"));
            Map<String, String> get = fields(ns.run(LOAD, "get", "-d", "127.0.0.1", "-p", "8081", "-b", "10000000",
                    "-t", "15"));

            assertEquals("200", rtt.get("count"));
            assertTrue(Double.parseDouble(rtt.get("p50_us")) <= Double.parseDouble(rtt.get("p99_us")), rtt.toString());
            assertEquals("0", rps.get("errors"), rps.toString());
            assertTrue(Long.parseLong(rps.get("requests")) > 0, rps.toString());
            assertEquals("10000000", get.get("bytes"));
        }
    }

    /**
     * Queues the namespace's TCP segments to port 8080 to {@code queue}, counts (and drops) them
     * on arrival in raw PREROUTING, and starts the C loop on the queue with {@code options}.
     */
    private static NetNamespace.Program startLoop(NetNamespace ns, int queue, String... options) throws Exception {
        ns.run("iptables-legacy", "-A", "OUTPUT", "-p", "tcp", "--dport", "8080", "-j", "NFQUEUE", "--queue-num",
                Integer.toString(queue));
        ns.run("iptables-legacy", "-t", "raw", "-A", "PREROUTING", "-p", "tcp", "--dport", "8080", "-j", "DROP");
        List<String> command = new ArrayList<>(List.of(LOOP, "-q", Integer.toString(queue)));
        command.addAll(List.of(options));
        NetNamespace.Program loop = ns.start("nfq_accept_loop", command.toArray(String[]::new));
        awaitBound(ns, queue);
        return loop;
    }

    /** Waits (at most 10 s) until the namespace's kernel lists {@code queue} as bound. */
    private static void awaitBound(NetNamespace ns, int queue) throws Exception {
        for (int i = 0; i < 100; i++) {
            for (String line : ns.run("cat", "/proc/net/netfilter/nfnetlink_queue").split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 2 && f[0].equals(Integer.toString(queue)) && !f[1].equals("0")) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("queue " + queue + " was not bound within 10 s");
    }

    private static void signal(String name, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start();
        assertTrue(kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + name + " " + pid);
    }

    /** The key=value pairs of a tool's result line. */
    private static Map<String, String> fields(String line) {
        Map<String, String> m = new HashMap<>();
        for (String word : line.trim().split("\\s+")) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                m.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
        return m;
    }
}
