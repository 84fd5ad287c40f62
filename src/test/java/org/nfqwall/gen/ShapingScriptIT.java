package org.nfqwall.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.nfqwall.rules.RuleLoadResult;
import org.nfqwall.rules.RulesLoader;

/**
 * Runs the generated shaping script with sh on one end of a veth pair between two private
 * namespaces: tc accepts the HTB tree and the BPF mark filters (also when applied twice), a
 * marked ping is counted in its mark's class and an unmarked one in the default class, and
 * removal leaves the device's default qdisc.
 */
class ShapingScriptIT {
    private static final String RULES = """
            mark_mask: 0xff
            marks:
              slow: {value: 0x20, shape: {rate: 2mbit, ceil: 4mbit, prio: 1}}
              plain: 0x21
              bulk: {value: 0x22, shape: {rate: 500kbit}}
            """;

    @Test
    void appliesTwiceClassifiesByMarkAndRemoves() {
        RuleLoadResult loaded = RulesLoader.parse("rules.yaml", RULES);
        assertTrue(loaded.ok(), loaded.errors().toString());
        ShapingScript script = new ShapingScript("rules.yaml", loaded.ruleSet(), "nfqs0", "10mbit", 10_000_000);
        try (NetworkNamespace a = NetworkNamespace.create(); NetworkNamespace b = NetworkNamespace.create()) {
            NetworkNamespace.hostExecOk("ip", "link", "add", "nfqs0", "netns", a.name(), "type", "veth", "peer", "name",
                    "nfqs1", "netns", b.name());
            a.execOk(null, "ip", "addr", "add", "10.7.0.1/24", "dev", "nfqs0");
            b.execOk(null, "ip", "addr", "add", "10.7.0.2/24", "dev", "nfqs1");
            a.execOk(null, "ip", "link", "set", "nfqs0", "up");
            b.execOk(null, "ip", "link", "set", "nfqs1", "up");
            String before = a.execOk(null, "tc", "qdisc", "show", "dev", "nfqs0");

            a.execOk(script.apply(), "sh");
            a.execOk(script.apply(), "sh");
            String qdisc = a.execOk(null, "tc", "qdisc", "show", "dev", "nfqs0");
            assertTrue(qdisc.startsWith("qdisc htb 1: root ") && qdisc.contains(" default 0x2 "), qdisc);
            // tc computes the bursts from the rates and the timer: compare up to them.
            List<String> classes = a.execOk(null, "tc", "class", "show", "dev", "nfqs0").lines()
                    .map(l -> l.substring(0, l.indexOf(" burst "))).sorted().toList();
            assertEquals(List.of(
                    "class htb 1:1 root rate 10Mbit ceil 10Mbit",
                    "class htb 1:10 parent 1:1 prio 1 rate 2Mbit ceil 4Mbit",
                    "class htb 1:11 parent 1:1 prio 0 rate 500Kbit ceil 500Kbit",
                    "class htb 1:2 parent 1:1 prio 0 rate 7500Kbit ceil 10Mbit"), classes);
            String filters = a.execOk(null, "tc", "filter", "show", "dev", "nfqs0");
            assertEquals(List.of(
                    "filter parent 1: protocol all pref 1 bpf chain 0 handle 0x1 flowid 1:10 not_in_hw bytecode"
                            + " '5,32 0 0 4294963220,84 0 0 255,21 0 1 32,6 0 0 4294967295,6 0 0 0'",
                    "filter parent 1: protocol all pref 1 bpf chain 0 handle 0x2 flowid 1:11 not_in_hw bytecode"
                            + " '5,32 0 0 4294963220,84 0 0 255,21 0 1 34,6 0 0 4294967295,6 0 0 0'"),
                    filters.lines().filter(l -> l.contains("flowid")).map(String::strip).sorted().toList(), filters);

            // Packets with mark 0x20 go to 1:10, those with 0x21 (a mark without shape) to the default class.
            long slowBefore = sentPackets(a, "1:10");
            long defaultBefore = sentPackets(a, "1:2");
            a.execOk(null, "iptables-legacy", "-t", "mangle", "-A", "OUTPUT", "-p", "icmp", "-d", "10.7.0.2",
                    "-j", "MARK", "--set-xmark", "0x20/0xff");
            a.execOk(null, "ping", "-c", "3", "-i", "0.2", "-W", "2", "10.7.0.2");
            assertEquals(slowBefore + 3, sentPackets(a, "1:10"));
            a.execOk(null, "iptables-legacy", "-t", "mangle", "-F", "OUTPUT");
            a.execOk(null, "iptables-legacy", "-t", "mangle", "-A", "OUTPUT", "-p", "icmp", "-d", "10.7.0.2",
                    "-j", "MARK", "--set-xmark", "0x21/0xff");
            a.execOk(null, "ping", "-c", "2", "-i", "0.2", "-W", "2", "10.7.0.2");
            assertEquals(slowBefore + 3, sentPackets(a, "1:10"));
            assertTrue(sentPackets(a, "1:2") >= defaultBefore + 2);
            assertEquals(0, sentPackets(a, "1:11"));

            a.execOk(script.remove(), "sh");
            assertEquals(before, a.execOk(null, "tc", "qdisc", "show", "dev", "nfqs0"));
            assertEquals("", a.execOk(null, "tc", "class", "show", "dev", "nfqs0"));
        }
    }

    /** The packets a class has sent, from {@code tc -s class show}. */
    private static long sentPackets(NetworkNamespace ns, String classId) {
        String stats = ns.execOk(null, "tc", "-s", "class", "show", "dev", "nfqs0");
        Matcher m = Pattern.compile("class htb " + Pattern.quote(classId) + " .*\\n Sent \\d+ bytes (\\d+) pkt")
                .matcher(stats);
        assertTrue(m.find(), classId + " in\n" + stats);
        return Long.parseLong(m.group(1));
    }
}
