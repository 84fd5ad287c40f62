package org.nfqwall.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Applies every generated GRE key rule with the real iptables-legacy in a private network
 * namespace and reads it back with {@code iptables-legacy -S}: the kernel and iptables take each
 * expression (within u32's limits), and print it back exactly as generated, so the generator
 * writes iptables' normalised form and comparing is string equality. The removal document
 * leaves the chain as it was. The tc commands apply to a real HTB qdisc, and the removal
 * command takes out their priority and nothing else.
 */
class GreU32RoundTripIT {
    private static final String MANY = IntStream.rangeClosed(1, 23).mapToObj(i -> Integer.toString(1000 + i))
            .collect(Collectors.joining(","));

    @ParameterizedTest(name = "[{index}] --key {0} in {1} {2} -j {3}")
    @CsvSource(delimiter = '|', value = {
        "1                                    | filter | FORWARD    | ACCEPT",
        "1,2,3                                | filter | INPUT      | DROP",
        "100-200                              | filter | OUTPUT     | ACCEPT",
        "0x1200/0xff00                        | mangle | PREROUTING | ACCEPT",
        "0-4294967295                         | raw    | PREROUTING | DROP",
        "4294967295                           | filter | FORWARD    | GREKEYS",
        "1.2.3.4,10.0.0.0/255.0.0.0,7-9,0/0   | mangle | FORWARD    | DROP",
        "MANY                                 | filter | FORWARD    | ACCEPT",
        "1,2,3,4,5,6,7,8,9,10                 | raw    | OUTPUT     | ACCEPT",
    })
    void restoreDocumentReadsBackExactlyAndRemovesCleanly(String keys, String table, String chain, String jump) {
        GreKeySpec spec = GreKeySpec.parse(keys.equals("MANY") ? MANY : keys);
        String doc = GreKeyIptables.restoreDocument(spec, new GreKeyIptables.Placement(table, chain, jump), true,
                "nfqwall u32 gre --key " + keys);
        List<String> appended = doc.lines().filter(l -> l.startsWith("-A ")).toList();
        assertEquals(GreKeyMatch.rules(spec).size(), appended.size(), doc);
        try (NetworkNamespace ns = NetworkNamespace.create()) {
            ns.execOk(null, "iptables-legacy", "-t", table, "-A", chain, "-p", "udp", "--dport", "53", "-j", "ACCEPT");
            if (jump.equals("GREKEYS")) {
                ns.execOk(null, "iptables-legacy", "-t", table, "-N", jump);
            }
            List<String> before = rules(ns, table, chain);
            ns.execOk(doc, "iptables-legacy-restore", "--noflush");
            List<String> expected = new java.util.ArrayList<>(before);
            expected.addAll(appended);
            assertEquals(expected, rules(ns, table, chain), doc);

            ns.execOk(GreKeyIptables.removeDocument(spec, new GreKeyIptables.Placement(table, chain, jump), "remove"),
                    "iptables-legacy-restore", "--noflush");
            assertEquals(before, rules(ns, table, chain));
        }
    }

    /** The default format is meant to be pasted after {@code iptables-legacy -A CHAIN}: do just that, in a shell. */
    @Test
    void matchLinesPastedAfterIptablesAReadBackExactly() {
        GreKeySpec spec = GreKeySpec.parse(MANY + ",0x10000/0xffff0000,1-999,5000-6000");
        List<String> lines = GreKeyIptables.matches(spec, false).lines().toList();
        assertEquals(4, lines.size());
        try (NetworkNamespace ns = NetworkNamespace.create()) {
            for (String line : lines) {
                ns.execOk(null, "sh", "-c", "iptables-legacy -A INPUT " + line + " -j DROP");
            }
            List<String> expected = lines.stream().map(l -> "-A INPUT " + l + " -j DROP").toList();
            assertEquals(expected, rules(ns, "filter", "INPUT"));
        }
    }

    /** The tc commands apply on a real qdisc, every filter shows up, and the removal command takes them all out. */
    @Test
    void tcCommandsApplyAndTheRemovalCommandTakesThemOut() {
        GreKeySpec spec = GreKeySpec.parse("1,100-200,0x1200/0xff00");
        GreKeyTc.Placement p = new GreKeyTc.Placement("grekeys0", "1:", 20, "1:5", 0x40);
        try (NetworkNamespace ns = NetworkNamespace.create()) {
            ns.execOk(null, "ip", "link", "add", "name", "grekeys0", "type", "veth", "peer", "name", "grekeys1");
            ns.execOk(null, "tc", "qdisc", "add", "dev", "grekeys0", "root", "handle", "1:", "htb");
            ns.execOk(null, "tc", "filter", "add", "dev", "grekeys0", "parent", "1:", "protocol", "ip", "prio", "5",
                    "u32", "match", "ip", "protocol", "6", "0xff", "classid", "1:9");
            List<String> commands = GreKeyTc.commands(spec, p, true, "apply").lines().filter(l -> !l.startsWith("#"))
                    .toList();
            for (String command : commands) {
                ns.execOk(null, command.split(" "));
            }
            String shown = ns.execOk(null, "tc", "filter", "show", "dev", "grekeys0", "parent", "1:", "prio", "20");
            long keyFilters = shown.lines().filter(l -> l.contains("key ht 41 ") && l.contains("flowid 1:5")).count();
            assertEquals(1 + 6 + 1, keyFilters, shown);
            assertEquals(1, shown.lines().filter(l -> l.contains("key ht 40 ") && l.contains("link 41:")).count(), shown);
            for (String command : GreKeyTc.removeCommand(p, "remove").lines().filter(l -> !l.startsWith("#")).toList()) {
                ns.execOk(null, command.split(" "));
            }
            assertEquals("", ns.execOk(null, "tc", "filter", "show", "dev", "grekeys0", "parent", "1:", "prio", "20"));
            String others = ns.execOk(null, "tc", "filter", "show", "dev", "grekeys0", "parent", "1:");
            assertTrue(others.contains("flowid 1:9"), "the admin's filter stays:\n" + others);
        }
    }

    /** The chain's rules as {@code iptables-legacy -S} prints them, without the policy line. */
    private static List<String> rules(NetworkNamespace ns, String table, String chain) {
        return ns.execOk(null, "iptables-legacy", "-t", table, "-S", chain).lines()
                .filter(l -> l.startsWith("-A ")).toList();
    }
}
