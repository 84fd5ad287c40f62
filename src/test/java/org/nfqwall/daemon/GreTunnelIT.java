package org.nfqwall.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

/**
 * HTTP inside GRE tunnels through the kernel: this kernel has no GRE device, so the client crafts
 * the tunnel packets (src/test/resources/lab/gre_send.py: outer IPv4 + GRE + inner IPv4/IPv6 +
 * TCP, a SYN, a request head, one more data segment), the firewall namespace queues GRE with the
 * ruleset of {@code nfqwall iptables --gre}, the daemon runs on src/test/resources/daemon/gre.yaml
 * (blocked.example.org dropped under key 22 only), and a raw-socket sink in the server namespace
 * (gre_sink.py) logs each GRE packet that arrives, with its key and inner packet.
 *
 * <p>No timing is asserted: each check sends the conversation that must not arrive first, then one
 * that must, and waits for the last packet of the second; the one queue keeps their order, so
 * by then anything of the first that was let through has arrived too.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GreTunnelIT {
    private static final Duration T = Duration.ofSeconds(20);
    private static final int QUEUE = 7;
    private static final String TAIL = "after-the-head";
    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\": (null|-?\\d+|\"((?:[^\"\\\\]|\\\\.)*)\")");
    private static Lab lab;
    private static FirewallUnderTest firewall;
    private static Path arrivals;

    /** One GRE packet as the sink logged it; {@code host} and {@code payload} null or empty when absent. */
    private record Arrival(Long key, Integer inner, int sport, int flags, String host, String payload) {
        static Arrival parse(String line) {
            Matcher m = FIELD.matcher(line);
            java.util.Map<String, String> f = new java.util.HashMap<>();
            while (m.find()) {
                f.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(2));
            }
            return new Arrival(number(f.get("key")), f.get("inner") == null || f.get("inner").equals("null") ? null
                    : Integer.valueOf(f.get("inner")), number(f.get("sport")) == null ? 0 : number(f.get("sport")).intValue(),
                    number(f.get("flags")) == null ? 0 : number(f.get("flags")).intValue(),
                    "null".equals(f.get("host")) ? null : f.get("host"), f.getOrDefault("payload", ""));
        }

        private static Long number(String text) {
            return text == null || text.equals("null") ? null : Long.valueOf(text);
        }

        boolean syn() {
            return (flags & 0x02) != 0;
        }
    }

    @BeforeAll
    static void startFirewall() {
        lab = Lab.create();
        arrivals = lab.workDir().resolve("gre-arrivals.jsonl");
        Path sinkLog = lab.workDir().resolve("gre-sink.log");
        Process sink = lab.start(Node.SERVER, sinkLog, "python3", lab.tool("gre_sink.py").toString(),
                "--log", arrivals.toString(), "--max-seconds", "1800");
        String ready = Lab.eventually(Duration.ofSeconds(10), () -> read(sinkLog), s -> s.contains("READY") || !sink.isAlive());
        assertTrue(ready.contains("READY"), "gre_sink.py did not start: " + ready);
        firewall = new FirewallUnderTest(lab, QUEUE);
        firewall.applyRuleset("--ports", "80", "--gre");
        firewall.start(lab.baseDir().resolve("src/test/resources/daemon/gre.yaml"), "--control",
                lab.workDir().resolve("control.sock").toString(), "--state-dir", lab.workDir().resolve("state").toString(),
                "--log-all");
    }

    @AfterAll
    static void stopFirewall() {
        if (lab != null) {
            lab.close();
        }
    }

    private static String read(Path file) {
        try {
            return java.nio.file.Files.exists(file) ? java.nio.file.Files.readString(file) : "";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<Arrival> arrived() {
        String text = read(arrivals);
        List<Arrival> out = new ArrayList<>();
        // Only whole lines: the sink may be writing the next one right now.
        for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
            if (!line.isBlank()) {
                out.add(Arrival.parse(line));
            }
        }
        return out;
    }

    /** Sends SYN, request head for {@code host} and a tail segment inside the tunnel with {@code key}. */
    private static void send(long key, boolean ipv6, int sport, String host, String... extra) {
        List<String> cmd = new ArrayList<>(List.of("python3", lab.tool("gre_send.py").toString(),
                "--src", Lab.CLIENT_V4, "--dst", Lab.SERVER_V4, "--key", Long.toString(key),
                "--inner-src", ipv6 ? "fd00:10::2" : "10.0.0.2", "--inner-dst", ipv6 ? "fd00:11::2" : "10.0.1.2",
                "--sport", Integer.toString(sport), "--host", host, "--tail", TAIL));
        cmd.addAll(List.of(extra));
        ExecResult r = lab.execOk(Node.CLIENT, T, cmd.toArray(String[]::new));
        assertTrue(r.stdout().contains("\"sent\": 3") && r.stdout().contains("\"error\": null"), r.describe());
    }

    /** SYNs, request heads and tails that arrived for this key, inner version and client port: [syn, head, tail]. */
    private static int[] seen(long key, int inner, int sport) {
        int[] n = new int[3];
        for (Arrival a : arrived()) {
            if (a.key() != null && a.key() == key && a.inner() != null && a.inner() == inner && a.sport() == sport) {
                if (a.syn()) {
                    n[0]++;
                } else if (a.host() != null) {
                    n[1]++;
                } else if (a.payload().equals(TAIL)) {
                    n[2]++;
                }
            }
        }
        return n;
    }

    /** Waits until the tail of the conversation that must arrive has arrived, then returns what came of each. */
    private static void awaitTail(long key, int inner, int sport) {
        int[] n = Lab.eventually(T, () -> seen(key, inner, sport), s -> s[2] > 0);
        assertEquals(1, n[2], "the tail under key " + key + " port " + sport + " never arrived; arrivals: "
                + read(arrivals) + "\ndaemon:\n" + firewall.log());
    }

    @Test
    @Order(1)
    void blockedHostUnderKey22NeverArrivesTheSameUnderKey23Does() {
        // One inner 5-tuple in both: the tunnel key keeps the flows apart. Both tunnels are also one conntrack
        // entry (GRE version 0 is tracked by its addresses alone), so key 23 getting through after the drop
        // under key 22 shows the drop was for the packets, not a connmark on the tunnel.
        send(22, false, 40000, "blocked.example.org");
        send(23, false, 40000, "blocked.example.org");
        awaitTail(23, 4, 40000);
        assertEquals("[1, 0, 0]", java.util.Arrays.toString(seen(22, 4, 40000)),
                "under key 22 only the SYN passes: the head and the rest of the flow are dropped");
        assertEquals("[1, 1, 1]", java.util.Arrays.toString(seen(23, 4, 40000)));
        String log = firewall.log();
        assertTrue(log.contains("\"tunnel\":{\"src_ip\":\"10.99.1.2\",\"dest_ip\":\"10.99.2.2\",\"proto\":\"GRE\","
                + "\"depth\":1,\"gre_key\":22},\"nfqwall\":{\"action\":\"drop\",\"rule\":\"blocked-in-22\""), log);
    }

    @Test
    @Order(2)
    void anAllowedHostUnderKey22ArrivesWithChecksumAndSequence() {
        send(22, false, 40010, "blocked.example.org", "--checksum", "--sequence", "100");
        send(22, false, 40011, "www.example.org", "--checksum", "--sequence", "200");
        awaitTail(22, 4, 40011);
        assertEquals("[1, 0, 0]", java.util.Arrays.toString(seen(22, 4, 40010)));
        assertEquals("[1, 1, 1]", java.util.Arrays.toString(seen(22, 4, 40011)));
    }

    @Test
    @Order(3)
    void anIpv6InnerPacketIsInspectedToo() {
        send(22, true, 40020, "blocked.example.org");
        send(22, true, 40021, "www.example.org");
        awaitTail(22, 6, 40021);
        assertEquals("[1, 0, 0]", java.util.Arrays.toString(seen(22, 6, 40020)));
        assertEquals("[1, 1, 1]", java.util.Arrays.toString(seen(22, 6, 40021)));
        send(23, true, 40020, "blocked.example.org");
        awaitTail(23, 6, 40020);
        assertEquals("[1, 1, 1]", java.util.Arrays.toString(seen(23, 6, 40020)));
    }

    @Test
    @Order(4)
    void everyGrePacketGoesThroughTheQueue() {
        send(24, false, 40030, "www.example.org");
        awaitTail(24, 4, 40030);
        assertTrue(lab.iptablesPackets(Node.FW, "filter", "FORWARD", "-p gre -j NFQWALL") >= 3);
        assertTrue(firewall.queuedPackets() >= 3, "queued: " + firewall.queuedPackets());
    }

    @Test
    @Order(5)
    void theRemovalDocumentTakesTheGreJumpOutToo() {
        for (boolean ipv6 : new boolean[] {false, true}) {
            java.io.StringWriter out = new java.io.StringWriter();
            java.io.StringWriter err = new java.io.StringWriter();
            List<String> args = new ArrayList<>(List.of("iptables", "--queue", String.valueOf(QUEUE), "--chain", "FORWARD",
                    "--ports", "80", "--gre", "--remove"));
            if (ipv6) {
                args.add("--ipv6");
            }
            assertEquals(0, Main.execute(new java.io.PrintWriter(out), new java.io.PrintWriter(err),
                    args.toArray(String[]::new)), err.toString());
            Path doc = lab.workDir().resolve((ipv6 ? "remove6" : "remove4") + ".txt");
            try {
                java.nio.file.Files.writeString(doc, out.toString());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            String tool = ipv6 ? "ip6tables-legacy" : "iptables-legacy";
            lab.execOk(Node.FW, T, "sh", "-c", tool + "-restore --noflush < " + doc);
            String forward = lab.execOk(Node.FW, T, tool, "-S", "FORWARD").stdout();
            assertFalse(forward.contains("NFQWALL"), tool + ": " + forward);
            assertFalse(lab.exec(Node.FW, T, tool, "-S", "NFQWALL").ok(), tool + ": the chain is gone");
        }
    }
}
