package org.nfqwall.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nfqwall.rules.RuleLoadResult;
import org.nfqwall.rules.RuleSet;
import org.nfqwall.rules.RulesLoader;

/**
 * Feeds the mangle-placed documents, and the filter documents with the marking extras
 * ({@code --restore-mark}, {@code --dns}, steering rules), to the real iptables-legacy-restore and
 * ip6tables-legacy-restore in a private network namespace, with the steering ipsets created
 * first: the kernel accepts every rule of both tables, iptables prints each back exactly as
 * generated, inserted rules come first in their chain, and removal leaves the admin's own rules
 * of both tables as they were.
 */
class MarkingRulesetIT {
    private static final String RULES = """
            mark_mask: 0xff
            marks:
              vpn: {value: 0x10, table: 100, via: 10.8.0.1, dev: wg0}
              isp2: {value: 0x11, table: 101, steer: {timeout: 10m, max: 1000}}
              slow: {value: 0x20, shape: {rate: 2mbit}}
            """;

    @ParameterizedTest(name = "{0} {1} ipv6={2} restore-mark={3} dns={4} steering={5}")
    @CsvSource({
        "mangle, PREROUTING, false, false, false, false",
        "mangle, PREROUTING, false, true,  true,  true",
        "mangle, PREROUTING, true,  true,  true,  true",
        "mangle, PREROUTING, true,  false, false, false",
        "mangle, OUTPUT,     false, true,  true,  true",
        "mangle, OUTPUT,     true,  false, true,  true",
        "mangle, OUTPUT,     true,  true,  false, false",
        "filter, FORWARD,    false, true,  true,  true",
        "filter, OUTPUT,     true,  true,  true,  false",
        "filter, INPUT,      false, false, true,  true",
    })
    void appliesReadsBackAndRemovesExactly(String table, String chain, boolean ipv6, boolean restoreMark, boolean dns,
                                           boolean steering) {
        IptablesOptions o = new IptablesOptions(4, "FORWARD", PortRange.parseList("80,443"), PortRange.parseList("443"),
                ipv6, false, 0xff, false, true)
                .withPlacement(table, chain).withRestoreMark(restoreMark).withDns(dns)
                .withSteering(steering ? SteeringMarks.of("rules.yaml", rules()) : SteeringMarks.NONE);
        String apply = IptablesRuleset.apply(o);
        String remove = IptablesRuleset.remove(o);
        String iptables = ipv6 ? "ip6tables-legacy" : "iptables-legacy";
        String restore = iptables + "-restore";
        try (NetworkNamespace ns = NetworkNamespace.create()) {
            createSets(ns);
            // An admin rule in every chain the ruleset touches, so that order and removal show.
            for (String[] where : new String[][] {{"mangle", chain}, {"mangle", "PREROUTING"}, {"filter", "FORWARD"},
                {"filter", "INPUT"}, {"filter", "OUTPUT"}}) {
                ns.execOk(null, iptables, "-t", where[0], "-A", where[1], "-p", "tcp", "--dport", "22", "-j", "ACCEPT");
            }
            Map<String, String> before = snapshot(ns, iptables);
            for (int round = 1; round <= 2; round++) {
                ns.execOk(apply, restore, "--noflush");
                assertApplied(ns, iptables, apply);
                ns.execOk(remove, restore, "--noflush");
                assertEquals(before, snapshot(ns, iptables), "round " + round + ": removal must restore both tables");
            }
        }
    }

    private static RuleSet rules() {
        RuleLoadResult r = RulesLoader.parse("rules.yaml", RULES);
        assertTrue(r.ok(), r.errors().toString());
        return r.ruleSet();
    }

    private static void createSets(NetworkNamespace ns) {
        for (List<String> create : SteeringSets.createCommands(rules())) {
            ns.execOk(null, create.toArray(String[]::new));
        }
        for (List<String> create : IptablesRuleset.ipsetCreateCommands()) {
            ns.execOk(null, create.toArray(String[]::new));
        }
    }

    /** {@code iptables -t T -S} of both tables. */
    private static Map<String, String> snapshot(NetworkNamespace ns, String iptables) {
        Map<String, String> tables = new LinkedHashMap<>();
        for (String t : List.of("mangle", "filter")) {
            tables.put(t, ns.execOk(null, iptables, "-t", t, "-S"));
        }
        return tables;
    }

    /**
     * Every {@code -A} rule of each table's part is printed back as written; each {@code -I C 1}
     * rule is the first rule of C; the chains the document declares hold exactly its rules.
     */
    private static void assertApplied(NetworkNamespace ns, String iptables, String apply) {
        Map<String, List<String>> parts = tableParts(apply);
        for (var part : parts.entrySet()) {
            String live = ns.execOk(null, iptables, "-t", part.getKey(), "-S");
            List<String> liveLines = live.lines().toList();
            List<String> declared = new ArrayList<>();
            for (String line : part.getValue()) {
                if (line.startsWith(":")) {
                    declared.add(line.substring(1, line.indexOf(' ')));
                } else if (line.startsWith("-A ")) {
                    assertTrue(liveLines.contains(line), part.getKey() + " lacks\n" + line + "\nin\n" + live);
                } else if (line.startsWith("-I ")) {
                    String[] words = line.split(" ", 4);
                    String first = ns.execOk(null, iptables, "-t", part.getKey(), "-S", words[1]).lines()
                            .filter(l -> l.startsWith("-A ")).findFirst().orElse("");
                    assertEquals("-A " + words[1] + " " + words[3], first, "the inserted rule must come first:\n" + live);
                }
            }
            for (String chain : declared) {
                String expected = "-N " + chain + "\n" + part.getValue().stream()
                        .filter(l -> l.startsWith("-A " + chain + " ")).collect(Collectors.joining("\n", "", "\n"));
                assertEquals(expected, ns.execOk(null, iptables, "-t", part.getKey(), "-S", chain));
            }
        }
        assertFalse(parts.isEmpty(), apply);
    }

    /** The rule lines of each {@code *table} part of a document, in order. */
    private static Map<String, List<String>> tableParts(String document) {
        Map<String, List<String>> parts = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : document.lines().toList()) {
            if (line.startsWith("*")) {
                current = new ArrayList<>();
                parts.put(line.substring(1), current);
            } else if (current != null && !line.startsWith("#") && !line.equals("COMMIT")) {
                current.add(line);
            }
        }
        return parts;
    }
}
