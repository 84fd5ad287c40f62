package org.nfqwall.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nfqwall.lab.Lab;
import org.nfqwall.lab.Node;
import org.nfqwall.rules.MarkBits;

/**
 * Real traffic through the generated rules, in the lab (client, firewall, server namespaces),
 * with no daemon: the queue rule names a queue nobody reads, and {@code --queue-bypass} lets
 * what it would queue pass. The iptables counters then show which rule each packet took: the
 * data-less ACKs of a download the ACK rule, SYN and data the queue rule; hand-made packets
 * show that the u32 test is exact; a connection with the OFFLOAD connmark never reaches the
 * queue; the rest of a rejected UDP flow is dropped in the kernel.
 */
class IptablesRulesetTrafficIT {
    private static final Duration T = Duration.ofSeconds(30);
    /** A queue no daemon reads: with --queue-bypass, queued packets simply pass. */
    private static final int UNREAD_QUEUE = 4242;
    private static final int HTTP_PORT = 80;
    private static final int OFFLOAD_PORT = 8080;
    /** Hand-made packets go here: nothing listens, only the client's OUTPUT counters matter. */
    private static final int PROBE_PORT = 9;
    private static final int UDP_PORT = 443;
    private static final int DOWNLOAD_BYTES = 2_000_000;
    /** The ACK rule is the only one with u32. */
    private static final String ACK_RULE = "-m u32";
    private static final String QUEUE_RULE = "-j NFQUEUE";

    private static Lab lab;

    @BeforeAll
    static void buildLab() {
        lab = Lab.create();
        lab.startRecordingServer(HTTP_PORT);
        lab.startRecordingServer(OFFLOAD_PORT);
    }

    @AfterAll
    static void removeLab() {
        if (lab != null) {
            lab.close();
        }
    }

    private static IptablesOptions options(String chain, int port, boolean ipv6) {
        return new IptablesOptions(UNREAD_QUEUE, chain, List.of(PortRange.of(port)), ipv6, false, 0xffff);
    }

    @ParameterizedTest(name = "ipv6 {0}")
    @CsvSource({"false", "true"})
    void dataLessAcksOfADownloadSkipTheQueueWhileSynAndDataAreQueued(boolean ipv6) {
        IptablesOptions o = options("FORWARD", HTTP_PORT, ipv6);
        withRuleset(Node.FW, o, () -> {
            Counts start = counts(Node.FW, ipv6);
            assertEquals("ok GET /hello", curl(ipv6, HTTP_PORT, "/hello").strip());
            Counts small = counts(Node.FW, ipv6).minus(start);
            // SYN, the request, FIN: queued. The handshake's ACK and the ACK of the answer: not.
            assertTrue(small.queued >= 3 && small.queued <= 5, "request/response: " + small);
            assertTrue(small.acks >= 2, "request/response: " + small);

            assertEquals(Integer.toString(DOWNLOAD_BYTES), curlSize(ipv6, HTTP_PORT, "/big?bytes=" + DOWNLOAD_BYTES));
            Counts download = counts(Node.FW, ipv6).minus(start).minus(small);
            assertTrue(download.queued < 10, "download: " + download);
            assertTrue(download.acks >= 20, "download: " + download);
            assertTrue(download.acks >= 5 * download.queued, "download: " + download);
        });
    }

    @Test
    void queueAcksSendsTheAcksOfADownloadToTheQueue() {
        IptablesOptions o = options("FORWARD", HTTP_PORT, false).withQueueAcks(true);
        withRuleset(Node.FW, o, () -> {
            assertFalse(lab.execOk(Node.FW, T, "iptables-legacy", "-S", IptablesRuleset.CHAIN).stdout().contains("u32"));
            long before = lab.iptablesPackets(Node.FW, "filter", IptablesRuleset.CHAIN, QUEUE_RULE);
            assertEquals(Integer.toString(DOWNLOAD_BYTES), curlSize(false, HTTP_PORT, "/big?bytes=" + DOWNLOAD_BYTES));
            long queued = lab.iptablesPackets(Node.FW, "filter", IptablesRuleset.CHAIN, QUEUE_RULE) - before;
            assertTrue(queued >= 20, "every packet of the client queued: " + queued);
        });
    }

    /**
     * One hand-made packet from the client to the probe port, through the ruleset hooked into
     * the client's OUTPUT: it must hit the ACK rule exactly when it is a data-less ACK in a plain
     * header layout, and the queue rule otherwise.
     */
    @ParameterizedTest(name = "IPv{0} {1}: data-less ACK rule {2}")
    @CsvSource(delimiter = '|', value = {
        "4 | --flags A                               | true",
        "4 | --flags A --doff 8                      | true",
        "4 | --flags A --doff 15                     | true",
        "4 | --flags PA                              | true",
        "4 | --flags A --payload 1                   | false",
        "4 | --flags A --payload 2                   | false",
        "4 | --flags A --payload 3                   | false",
        "4 | --flags A --payload 4                   | false",
        "4 | --flags A --doff 8 --payload 1          | false",
        "4 | --flags A --doff 15 --payload 1         | false",
        "4 | --flags A --payload 1400                | false",
        "4 | --flags S                               | false",
        "4 | --flags SA                              | false",
        "4 | --flags FA                              | false",
        "4 | --flags RA                              | false",
        "4 | --flags A --ip-options 1                | false",
        "4 | --flags A --more-fragments              | false",
        "4 | --flags A --doff 4                      | false",
        "4 | --flags A --doff 8 --options-bytes 0    | false",
        "4 | --flags A --doff 8 --options-bytes 11   | false",
        "6 | --flags A                               | true",
        "6 | --flags A --doff 8                      | true",
        "6 | --flags A --doff 15                     | true",
        "6 | --flags A --payload 1                   | false",
        "6 | --flags A --payload 3                   | false",
        "6 | --flags A --doff 15 --payload 1         | false",
        "6 | --flags SA                              | false",
        "6 | --flags FA                              | false",
        "6 | --flags A --dest-options                | false",
        "6 | --flags A --doff 4                      | false",
        "6 | --flags A --doff 8 --options-bytes 11   | false",
    })
    void theAckRuleMatchesExactlyTheDataLessAcks(int family, String packet, boolean dataLessAck) {
        boolean ipv6 = family == 6;
        IptablesOptions o = options("OUTPUT", PROBE_PORT, ipv6);
        withRuleset(Node.CLIENT, o, () -> {
            Counts before = counts(Node.CLIENT, ipv6);
            List<String> command = new ArrayList<>(List.of("python3", rawTcpTool().toString(), "--dport",
                    Integer.toString(PROBE_PORT), "--src", ipv6 ? Lab.CLIENT_V6 : Lab.CLIENT_V4,
                    "--dst", ipv6 ? Lab.SERVER_V6 : Lab.SERVER_V4));
            command.addAll(List.of(packet.strip().split(" +")));
            lab.execOk(Node.CLIENT, T, command.toArray(String[]::new));
            Counts hit = counts(Node.CLIENT, ipv6).minus(before);
            assertEquals(dataLessAck ? new Counts(1, 0) : new Counts(0, 1), hit, packet);
        });
    }

    @Test
    void anOffloadedConnectionIsAcceptedBeforeTheQueueCarryingItsRuleMark() {
        IptablesOptions o = options("FORWARD", OFFLOAD_PORT, false);
        // What the daemon does for a flow decided at its first packet: NF_REPEAT with
        // VERDICT | OFFLOAD | rule mark 0x6. mangle runs before filter, so mark the SYN there.
        int verdict = MarkBits.VERDICT | MarkBits.OFFLOAD | 0x6;
        String[] daemonStandIn = {"-t", "mangle", "FORWARD", "-p", "tcp", "--dport", Integer.toString(OFFLOAD_PORT),
            "--tcp-flags", "SYN,ACK,FIN,RST", "SYN", "-j", "MARK", "--set-xmark", IptablesOptions.hex(verdict) + "/0xffffffff"};
        String[] markedOut = {"-t", "mangle", "POSTROUTING", "-p", "tcp", "--dport", Integer.toString(OFFLOAD_PORT),
            "-m", "mark", "--mark", "0x6/0xffffffff"};
        String[] markedBack = {"-t", "mangle", "POSTROUTING", "-p", "tcp", "--sport", Integer.toString(OFFLOAD_PORT),
            "-m", "mark", "--mark", "0x6/0xffffffff"};
        withRuleset(Node.FW, o, () -> {
            List<String[]> added = new ArrayList<>();
            try {
                for (String[] rule : List.of(daemonStandIn, markedOut, markedBack)) {
                    iptables("-A", rule);
                    added.add(rule);
                }
                assertEquals("200000", curlSize(false, OFFLOAD_PORT, "/big?bytes=200000"));

                String chain = IptablesRuleset.CHAIN;
                long verdictAccepts = lab.iptablesPackets(Node.FW, "filter", IptablesRuleset.VERDICT_CHAIN, "-j ACCEPT");
                long offloaded = lab.iptablesPackets(Node.FW, "filter", chain, "--mark 0x10000000/0x10000000 -j ACCEPT");
                assertEquals(1, verdictAccepts, "only the SYN comes back with a verdict");
                assertTrue(offloaded >= 5, "the rest of the connection is offloaded: " + offloaded);
                assertEquals(new Counts(0, 0), counts(Node.FW, false), "nothing reaches the ACK rule or the queue");
                long out = lab.iptablesPackets(Node.FW, "mangle", "POSTROUTING", "--dport " + OFFLOAD_PORT);
                long back = lab.iptablesPackets(Node.FW, "mangle", "POSTROUTING", "--sport " + OFFLOAD_PORT);
                assertEquals(verdictAccepts + offloaded, out, "every client packet leaves with the rule mark alone");
                assertTrue(back >= 5, "the replies carry the rule mark: " + back);
                String conntrack = lab.execOk(Node.FW, T, "conntrack", "-L", "-p", "tcp", "--dport",
                        Integer.toString(OFFLOAD_PORT)).stdout();
                assertTrue(conntrack.contains("mark=" + Integer.toUnsignedString(MarkBits.OFFLOAD | 0x6)),
                        "the connmark holds OFFLOAD and the rule mark:\n" + conntrack);
            } finally {
                added.forEach(rule -> iptables("-D", rule));
            }
        });
    }

    @Test
    void udpIsQueuedAndTheRestOfARejectedUdpFlowIsDroppedInTheKernel() {
        IptablesOptions o = options("FORWARD", HTTP_PORT, false).withUdpPorts(List.of(PortRange.of(UDP_PORT)));
        // The daemon's stand-in rejects the flow at its 7-byte datagram (20 + 8 + 7 = 35 bytes),
        // after a first datagram that was queued and passed, so the connection is confirmed.
        String reject = IptablesOptions.hex(MarkBits.VERDICT | MarkBits.REJECT) + "/0xffffffff";
        String[] daemonStandIn = {"-t", "mangle", "FORWARD", "-p", "udp", "--dport", Integer.toString(UDP_PORT),
            "-m", "length", "--length", "35", "-j", "MARK", "--set-xmark", reject};
        withRuleset(Node.FW, o, () -> {
            iptables("-A", daemonStandIn);
            try {
                String rejectedUdp = "-p udp -m connmark --mark 0x40000000/0x40000000 -j DROP";
                sendUdp(40444, "x");
                assertEquals(1, lab.iptablesPackets(Node.FW, "filter", IptablesRuleset.CHAIN, QUEUE_RULE),
                        "a UDP datagram to an inspected port is queued");
                sendUdp(40443, "x", "rejectx", "x", "x");
                assertEquals(2, lab.iptablesPackets(Node.FW, "filter", IptablesRuleset.CHAIN, QUEUE_RULE));
                assertEquals(1, lab.iptablesPackets(Node.FW, "filter", IptablesRuleset.VERDICT_CHAIN,
                        "-m mark --mark 0x40000000/0x40000000 -j DROP"), "the reject verdict drops the datagram");
                assertEquals(2, lab.iptablesPackets(Node.FW, "filter", IptablesRuleset.CHAIN, rejectedUdp),
                        "the rest of the rejected flow is dropped in the kernel");
            } finally {
                iptables("-D", daemonStandIn);
            }
        });
    }

    /** Packets that hit the data-less ACK rule and the queue rule of NFQWALL. */
    private record Counts(long acks, long queued) {
        Counts minus(Counts other) {
            return new Counts(acks - other.acks, queued - other.queued);
        }
    }

    private static Counts counts(Node node, boolean ipv6) {
        String chain = IptablesRuleset.CHAIN;
        List<String> rules = List.of(lab.execOk(node, T, ipv6 ? "ip6tables-legacy" : "iptables-legacy", "-S", chain)
                .stdout().split("\n"));
        long acks = rules.stream().anyMatch(rule -> rule.contains(ACK_RULE)) ? packets(node, ipv6, ACK_RULE) : 0;
        return new Counts(acks, packets(node, ipv6, QUEUE_RULE));
    }

    private static long packets(Node node, boolean ipv6, String fragment) {
        return ipv6 ? lab.ip6tablesPackets(node, "filter", IptablesRuleset.CHAIN, fragment)
                : lab.iptablesPackets(node, "filter", IptablesRuleset.CHAIN, fragment);
    }

    /** Applies the ruleset in the node, runs the body, and removes the ruleset again, also on failure. */
    private static void withRuleset(Node node, IptablesOptions o, Runnable body) {
        String restore = o.restoreCommand();
        restore(node, restore, IptablesRuleset.apply(o));
        try {
            body.run();
        } finally {
            restore(node, restore, IptablesRuleset.remove(o));
        }
    }

    private static void restore(Node node, String restoreCommand, String document) {
        try {
            Path file = Files.createTempFile(lab.workDir(), "ruleset-", ".txt");
            Files.writeString(file, document);
            lab.execOk(node, T, "sh", "-c", restoreCommand + " --noflush < " + file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One rule in the firewall's IPv4 tables: {@code -A} or {@code -D}, then table and chain and the rule. */
    private static void iptables(String action, String[] rule) {
        List<String> command = new ArrayList<>(List.of("iptables-legacy", rule[0], rule[1], action));
        command.addAll(List.of(rule).subList(2, rule.length));
        lab.execOk(Node.FW, T, command.toArray(String[]::new));
    }

    private static String url(boolean ipv6, int port, String path) {
        return "http://" + (ipv6 ? "[" + Lab.SERVER_V6 + "]" : Lab.SERVER_V4) + ":" + port + path;
    }

    /** The body of a GET from the client. */
    private static String curl(boolean ipv6, int port, String path) {
        return lab.execOk(Node.CLIENT, T, "curl", "-sS", "--max-time", "20", url(ipv6, port, path)).stdout();
    }

    /** How many bytes a GET from the client downloaded. */
    private static String curlSize(boolean ipv6, int port, String path) {
        return lab.execOk(Node.CLIENT, T, "curl", "-sS", "--max-time", "20", "-o", "/dev/null",
                "-w", "%{size_download}", url(ipv6, port, path)).stdout().strip();
    }

    /** Datagrams from the client's {@code sourcePort} to the server's UDP port, in order. */
    private static void sendUdp(int sourcePort, String... datagrams) {
        String script = "import socket,sys,time\n"
                + "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
                + "s.bind(('" + Lab.CLIENT_V4 + "'," + sourcePort + "))\n"
                + "for d in sys.argv[1:]:\n"
                + "    s.sendto(d.encode(),('" + Lab.SERVER_V4 + "'," + UDP_PORT + "))\n"
                + "    time.sleep(0.05)\n";
        List<String> command = new ArrayList<>(List.of("python3", "-c", script));
        command.addAll(List.of(datagrams));
        lab.execOk(Node.CLIENT, T, command.toArray(String[]::new));
    }

    private static Path rawTcpTool() {
        return lab.baseDir().resolve("src/test/resources/gen/raw_tcp.py");
    }
}
