package org.nfqwall.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nfqwall.rules.RuleLoadResult;
import org.nfqwall.rules.RuleSet;
import org.nfqwall.rules.RulesLoader;

/**
 * Runs the generated routing scripts with sh in a private network namespace: the ip rules,
 * the tables' default routes (IPv4 and IPv6) and the steering sets are there exactly once,
 * also after applying twice; removal refuses to destroy a set iptables still uses, and once
 * the ruleset is gone it leaves nothing behind; removing again only reports.
 */
class RoutingScriptIT {
    private static final String RULES = """
            mark_mask: 0xff
            marks:
              vpn: {value: 0x10, table: 100, via: 10.8.0.1, via6: "fd00:8::1", dev: nfqv0}
              isp2: {value: 0x11, table: 101, via: 10.9.0.1, priority: 900, steer: {timeout: 10m, max: 1000}}
              tunnel: {value: 0x12, table: 102, dev: nfqv1, steer: false}
              manual: {value: 0x13, table: 103}
              slow: {value: 0x20, shape: {rate: 2mbit}}
            """;

    @Test
    void appliesTwiceWithoutDuplicatesAndRemovesEverything() {
        RuleLoadResult loaded = RulesLoader.parse("rules.yaml", RULES);
        assertTrue(loaded.ok(), loaded.errors().toString());
        RuleSet rules = loaded.ruleSet();
        String apply = RoutingScript.apply("rules.yaml", rules);
        String remove = RoutingScript.remove("rules.yaml", rules);
        try (NetworkNamespace ns = NetworkNamespace.create()) {
            ns.execOk(null, "ip", "link", "add", "nfqv0", "type", "veth", "peer", "name", "nfqv1");
            ns.execOk(null, "ip", "addr", "add", "10.8.0.2/24", "dev", "nfqv0");
            ns.execOk(null, "ip", "addr", "add", "10.9.0.2/24", "dev", "nfqv1");
            ns.execOk(null, "ip", "-6", "addr", "add", "fd00:8::2/64", "dev", "nfqv0", "nodad");
            ns.execOk(null, "ip", "link", "set", "nfqv0", "up");
            ns.execOk(null, "ip", "link", "set", "nfqv1", "up");
            String rules4 = ns.execOk(null, "ip", "rule", "show");
            String rules6 = ns.execOk(null, "ip", "-6", "rule", "show");

            for (int round = 1; round <= 2; round++) {
                ns.execOk(apply, "sh");
                assertEquals(withMarkRules(rules4), ns.execOk(null, "ip", "rule", "show"), "round " + round);
                assertEquals(withMarkRules(rules6), ns.execOk(null, "ip", "-6", "rule", "show"), "round " + round);
                assertEquals("default via 10.8.0.1 dev nfqv0 \n", ns.execOk(null, "ip", "route", "show", "table", "100"));
                assertEquals("default via fd00:8::1 dev nfqv0 metric 1024 pref medium\n",
                        ns.execOk(null, "ip", "-6", "route", "show", "table", "100"));
                assertEquals("default via 10.9.0.1 dev nfqv1 \n", ns.execOk(null, "ip", "route", "show", "table", "101"));
                assertEquals("default dev nfqv1 scope link \n", ns.execOk(null, "ip", "route", "show", "table", "102"));
                assertEquals("default dev nfqv1 metric 1024 pref medium\n",
                        ns.execOk(null, "ip", "-6", "route", "show", "table", "102"));
                assertEquals("", routes(ns, "-4", "103"));
                assertEquals("", routes(ns, "-6", "101"));
                assertEquals(List.of("nfqwall-mark-0x10", "nfqwall-mark-0x11", "nfqwall-mark-0x13", "nfqwall-mark6-0x10",
                        "nfqwall-mark6-0x11", "nfqwall-mark6-0x13"),
                        sets(ns));
            }
            String timeout = ns.execOk(null, "ipset", "list", "nfqwall-mark6-0x11");
            assertTrue(timeout.contains("family inet6 hashsize") && timeout.contains("maxelem 1000 timeout 600"), timeout);

            // A set iptables still references cannot be destroyed: removal says so and exits 1.
            ns.execOk(null, "iptables-legacy", "-A", "FORWARD", "-m", "set", "--match-set", "nfqwall-mark-0x11", "dst",
                    "-j", "ACCEPT");
            NetworkNamespace.Result busy = ns.exec(remove, "sh");
            assertEquals(1, busy.exitCode(), busy.stderr());
            assertTrue(busy.stderr().contains("nfqwall routing: cannot destroy ipset nfqwall-mark-0x11: remove the"
                    + " iptables ruleset that uses it first"), busy.stderr());
            assertEquals(List.of("nfqwall-mark-0x11"), sets(ns));
            ns.execOk(null, "iptables-legacy", "-D", "FORWARD", "-m", "set", "--match-set", "nfqwall-mark-0x11", "dst",
                    "-j", "ACCEPT");

            // Then removal completes (reporting the rules already gone), and again only reports.
            for (int round = 1; round <= 2; round++) {
                NetworkNamespace.Result r = ns.exec(remove, "sh");
                assertEquals(0, r.exitCode(), r.stderr());
                assertTrue(r.stderr().contains("nfqwall routing: nothing to delete: ip rule del fwmark 0x10/0xff lookup"
                        + " 100 priority 1000"), r.stderr());
                assertEquals(rules4, ns.execOk(null, "ip", "rule", "show"));
                assertEquals(rules6, ns.execOk(null, "ip", "-6", "rule", "show"));
                for (String table : List.of("100", "101", "102", "103")) {
                    assertEquals("", routes(ns, "-4", table), "table " + table);
                    assertEquals("", routes(ns, "-6", table), "table " + table);
                }
                assertEquals(List.of(), sets(ns));
            }
        }
    }

    /** The kernel's rules with nfqwall's inserted before the main table's, in preference order. */
    private static String withMarkRules(String kernelRules) {
        String marks = """
                899:	from all fwmark 0x11/0xff lookup main suppress_prefixlength 0
                900:	from all fwmark 0x11/0xff lookup 101
                999:	from all fwmark 0x10/0xff lookup main suppress_prefixlength 0
                999:	from all fwmark 0x12/0xff lookup main suppress_prefixlength 0
                999:	from all fwmark 0x13/0xff lookup main suppress_prefixlength 0
                1000:	from all fwmark 0x10/0xff lookup 100
                1000:	from all fwmark 0x12/0xff lookup 102
                1000:	from all fwmark 0x13/0xff lookup 103
                """;
        int main = kernelRules.indexOf("32766:");
        return kernelRules.substring(0, main) + marks + kernelRules.substring(main);
    }

    /** A table's routes of one family; "" when the table is empty (ip then says it does not exist). */
    private static String routes(NetworkNamespace ns, String family, String table) {
        NetworkNamespace.Result r = ns.exec(null, "ip", family, "route", "show", "table", table);
        return r.ok() ? r.stdout() : "";
    }

    private static List<String> sets(NetworkNamespace ns) {
        return ns.execOk(null, "ipset", "list", "-n").lines().filter(l -> l.startsWith("nfqwall-mark")).sorted().toList();
    }
}
