package org.nfqwall.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real packets through the generated GRE key rules: a sender and a receiver namespace joined by
 * a veth pair; hand-made GRE packets (src/test/resources/gen/gre_probe.py, raw socket with
 * IP_HDRINCL) go from one to the other. Five disjoint key specs, each applied twice from the
 * same generator output: as iptables rules in the receiver's raw PREROUTING, each jumping to a
 * chain of its own (so every rule counts its packets and the packet goes on to the next rule),
 * and as tc filters on the sender's egress, classifying into an HTB class of its own (this
 * kernel has no CLS_U32_PERF hit counters and no gact actions, so HTB class counters count tc's
 * matches). After each packet, every counter is compared exactly: one spec or none.
 *
 * <p>Fragments: the receiver never uses conntrack, so nf_defrag_ipv4 is not hooked in its
 * namespace (it is hooked per namespace only when conntrack is in use there), and raw
 * PREROUTING runs before the reassembly that ip_local_deliver does for the INPUT chain. A
 * later fragment therefore reaches the rules as it is, still saying protocol 47 and carrying
 * bytes that look like a GRE header with a listed key. The FRAGMENTS counter ({@code -f})
 * proves each such fragment got there; the ARRIVED counter (last rule, every packet from the
 * sender) proves every packet arrived, so a zero elsewhere is a real "did not match".
 */
class GreU32TrafficIT {
    private static final String SENDER = "10.99.47.1";
    private static final String RECEIVER = "10.99.47.2";
    /** Counter chains for packets that are not about keys. */
    private static final String ARRIVED = "ARRIVED";
    private static final String FRAGMENTS = "FRAGMENTS";
    private static final String EVEN_3000_TO_3022 = IntStream.rangeClosed(0, 11).mapToObj(i -> Integer.toString(3000 + 2 * i))
            .collect(Collectors.joining(","));
    /** Spec letter to key list; disjoint, since tc stops at a packet's first matching filter. */
    private static final Map<String, String> SPECS = new LinkedHashMap<>();

    static {
        SPECS.put("A", "1");
        SPECS.put("B", "100-200");
        SPECS.put("C", "0x1200/0xff00");
        SPECS.put("D", EVEN_3000_TO_3022);   // 12 keys: two iptables rules
        SPECS.put("E", "0xfffffff0-0xffffffff");
    }

    private static NetworkNamespace sender;
    private static NetworkNamespace receiver;

    @BeforeAll
    static void connectTwoNamespacesAndApplyTheRules() {
        sender = NetworkNamespace.create();
        receiver = NetworkNamespace.create();
        sender.execOk(null, "ip", "link", "add", "name", "gre-s", "type", "veth", "peer", "name", "gre-r", "netns",
                receiver.name());
        sender.execOk(null, "ip", "addr", "add", SENDER + "/24", "dev", "gre-s");
        receiver.execOk(null, "ip", "addr", "add", RECEIVER + "/24", "dev", "gre-r");
        sender.execOk(null, "ip", "link", "set", "gre-s", "up");
        receiver.execOk(null, "ip", "link", "set", "gre-r", "up");
        // Resolve the neighbour first, so no probe waits on ARP.
        sender.execOk(null, "ping", "-c", "1", "-W", "5", RECEIVER);

        StringBuilder chains = new StringBuilder("*raw\n");
        List.of(ARRIVED, FRAGMENTS).forEach(c -> chains.append(':').append(c).append(" - [0:0]\n"));
        SPECS.keySet().forEach(s -> chains.append(":KEY_").append(s).append(" - [0:0]\n"));
        receiver.execOk(chains.append("COMMIT\n").toString(), "iptables-legacy-restore", "--noflush");
        sender.execOk(null, "tc", "qdisc", "add", "dev", "gre-s", "root", "handle", "1:", "htb", "default", "0");
        int n = 0;
        for (Map.Entry<String, String> spec : SPECS.entrySet()) {
            n++;
            GreKeySpec keys = GreKeySpec.parse(spec.getValue());
            receiver.execOk(GreKeyIptables.restoreDocument(keys, new GreKeyIptables.Placement("raw", "PREROUTING",
                    "KEY_" + spec.getKey()), false, "spec " + spec.getKey()), "iptables-legacy-restore", "--noflush");
            sender.execOk(null, "tc", "class", "add", "dev", "gre-s", "parent", "1:", "classid", "1:" + n, "htb",
                    "rate", "1gbit");
            String tc = GreKeyTc.commands(keys, new GreKeyTc.Placement("gre-s", "1:", 10 * n, "1:" + n, 0x10 * n),
                    false, "spec " + spec.getKey());
            for (String line : tc.lines().filter(l -> !l.startsWith("#")).toList()) {
                sender.execOk(null, line.split(" "));
            }
        }
        receiver.execOk(null, "iptables-legacy", "-t", "raw", "-A", "PREROUTING", "-p", "gre", "-f", "-j", FRAGMENTS);
        receiver.execOk(null, "iptables-legacy", "-t", "raw", "-A", "PREROUTING", "-s", SENDER, "-j", ARRIVED);
    }

    @AfterAll
    static void removeTheNamespaces() {
        try {
            if (sender != null) {
                sender.close();
            }
        } finally {
            if (receiver != null) {
                receiver.close();
            }
        }
    }

    @ParameterizedTest(name = "[{index}] {0}: {2}")
    @CsvSource(delimiter = '|', value = {
        "plain, key 1                        | --k --key 1                                | A",
        "IHL 6, key 1                        | --ihl 6 --k --key 1                        | A",
        "IHL 15, key 1                       | --ihl 15 --k --key 1                       | A",
        "C on, key 1                         | --c --k --key 1                            | A",
        "C on, IHL 15, key 150               | --ihl 15 --c --k --key 150                 | B",
        "C and S on, key 0x12ab              | --c --k --s --key 0x12ab                   | C",
        "S on, key 3022 (second rule of D)   | --s --k --key 3022                         | D",
        "key 3000                            | --k --key 3000                             | D",
        "key 3001, between listed keys       | --k --key 3001                             | -",
        "key 100, range start                | --k --key 100                              | B",
        "key 200, range end                  | --k --key 200                              | B",
        "key 201, past the range             | --k --key 201                              | -",
        "key 99, before the range            | --ihl 9 --c --k --key 99                   | -",
        "key 2, not listed                   | --k --key 2                                | -",
        "key 0x1300, outside the mask        | --k --key 0x1300                           | -",
        "key 0xffffffff                      | --ihl 15 --c --s --k --key 0xffffffff      | E",
        "key 0xfffffff0                      | --k --key 0xfffffff0                       | E",
        "key 0xffffffef                      | --k --key 0xffffffef                       | -",
        "K off: no key field                 | --key 1                                    | -",
        "K off, C on                         | --c --key 1                                | -",
        "R on (RFC 1701 routing)             | --r --k --key 1                            | -",
        "version 1 (PPTP)                    | --version 1 --k --key 1                    | -",
        "version 7                           | --version 7 --c --k --key 150              | -",
        "strict source route bit             | --extra-flags 0x0800 --k --key 1           | A",
        "recursion bits                      | --extra-flags 0x0700 --k --key 1           | A",
        "reserved flag bits                  | --extra-flags 0x00f8 --c --k --key 0x1234  | C",
        "first fragment holding the key      | --mf --k --key 1                           | A",
        "first fragment of 8 bytes, C on     | --mf --c --k --key 1 --truncate 8          | -",
        "later fragment that looks keyed     | --frag-offset 1 --k --key 1                | -",
        "middle fragment that looks keyed    | --frag-offset 100 --mf --c --k --key 150   | -",
        "whole packet cut inside the key     | --k --key 1 --truncate 7                   | -",
        "whole packet ending with the key    | --k --key 1 --truncate 8                   | A",
        "C on, ending with the key           | --c --k --key 1 --truncate 12              | A",
        "C on, cut inside the key            | --c --k --key 1 --truncate 11              | -",
        "UDP carrying the same bytes         | --protocol 17 --k --key 1                  | -",
    })
    void eachPacketHitsExactlyTheRulesOfItsKey(String what, String probe, String expected) {
        Map<String, Long> ipBefore = iptablesCounts();
        Map<String, Long> tcBefore = tcCounts();
        List<String> command = new ArrayList<>(List.of("python3", probeTool(), "--src", SENDER, "--dst", RECEIVER));
        command.addAll(List.of(probe.strip().split(" +")));
        sender.execOk(null, command.toArray(String[]::new));
        Map<String, Long> ip = awaitArrival(ipBefore);
        Map<String, Long> tc = minus(tcCounts(), tcBefore);

        boolean laterFragment = probe.contains("--frag-offset");
        Map<String, Long> expectedIp = new TreeMap<>();
        Map<String, Long> expectedTc = new TreeMap<>();
        int n = 0;
        for (String spec : SPECS.keySet()) {
            n++;
            expectedIp.put("KEY_" + spec, spec.equals(expected) ? 1L : 0L);
            expectedTc.put("1:" + n, spec.equals(expected) ? 1L : 0L);
        }
        expectedIp.put(ARRIVED, 1L);
        expectedIp.put(FRAGMENTS, laterFragment ? 1L : 0L);
        assertEquals(expectedIp, ip, what + " (iptables, " + probe + ")");
        assertEquals(expectedTc, tc, what + " (tc, " + probe + ")");
    }

    /** Waits (bounded) until the ARRIVED counter moved, then returns every counter's change. */
    private static Map<String, Long> awaitArrival(Map<String, Long> before) {
        for (int attempt = 0; attempt < 100; attempt++) {
            Map<String, Long> delta = minus(iptablesCounts(), before);
            if (delta.get(ARRIVED) > 0) {
                return delta;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted while waiting for the probe to arrive");
            }
        }
        return fail("the probe never reached the receiver's raw PREROUTING (ARRIVED did not count it)");
    }

    /** Packets per target of the receiver's raw PREROUTING (several rules of one spec add up). */
    private static Map<String, Long> iptablesCounts() {
        String table = receiver.execOk(null, "iptables-legacy", "-t", "raw", "-L", "PREROUTING", "-v", "-x", "-n");
        Map<String, Long> counts = new TreeMap<>();
        for (String line : table.lines().skip(2).toList()) {
            String[] words = line.strip().split(" +");
            counts.merge(words[2], Long.parseLong(words[0]), Long::sum);
        }
        assertEquals(SPECS.size() + 2, counts.size(), table);
        return counts;
    }

    /** Packets sent per HTB class of the sender's veth, as {@code tc -s class show} prints them. */
    private static Map<String, Long> tcCounts() {
        String text = sender.execOk(null, "tc", "-s", "class", "show", "dev", "gre-s");
        Map<String, Long> counts = new TreeMap<>();
        String current = null;
        for (String line : text.lines().toList()) {
            String[] words = line.strip().split(" +");
            if (words.length > 2 && words[0].equals("class") && words[1].equals("htb")) {
                current = words[2];
            } else if (current != null && words.length > 4 && words[0].equals("Sent") && words[4].equals("pkt")) {
                counts.put(current, Long.parseLong(words[3]));
                current = null;
            }
        }
        assertEquals(SPECS.size(), counts.size(), text);
        return counts;
    }

    private static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> delta = new TreeMap<>();
        after.forEach((k, v) -> delta.put(k, v - before.getOrDefault(k, 0L)));
        return delta;
    }

    private static String probeTool() {
        Path base = Path.of(System.getProperty("nfqwall.basedir", System.getProperty("user.dir")));
        Path tool = base.resolve("src/test/resources/gen/gre_probe.py").toAbsolutePath();
        assertTrue(Files.isRegularFile(tool), "missing " + tool + " (run from the repository root or set -Dnfqwall.basedir)");
        return tool.toString();
    }
}
