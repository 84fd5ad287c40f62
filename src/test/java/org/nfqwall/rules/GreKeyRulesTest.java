package org.nfqwall.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code gre_key:}: the key of the GRE tunnel a flow came in, known at its first packet. */
class GreKeyRulesTest {
    private static final String RULES = """
            rules:
              - name: blocked-in-22
                gre_key: 22
                host: blocked.example.org
                verdict: drop
              - name: branch-tunnels
                gre_key: [0x100-0x1ff, 4294967295, 7]
                verdict: reject
              - name: everything-else
                dport: 80
                verdict: accept
            """;

    private static Facts tunnelled(Facts f, long key) {
        f.tunnelled = true;
        f.greKeyPresent = true;
        f.greKey = key;
        return f;
    }

    private static String matched(RuleSet rs, Facts f) {
        int i = rs.match(f);
        return i == RuleSet.NO_MATCH ? "none" : rs.rule(i).name();
    }

    private static String before(RuleSet rs, Facts f) {
        int i = rs.matchBeforeInspection(f);
        return i == RuleSet.NO_MATCH ? "none" : i == RuleSet.NEEDS_INSPECTION ? "inspect" : rs.rule(i).name();
    }

    private static List<String> errors(String yaml) {
        RuleLoadResult r = RulesLoader.parse("t.yaml", yaml);
        assertFalse(r.ok(), "expected errors");
        return r.errors().stream().map(RuleError::toString).toList();
    }

    @Test
    void readsValuesHexRangesAndLists() {
        RuleSet rs = RuleSetMatchTest.load(RULES);
        assertEquals(List.of(new GreKeyRange(22, 22)), rs.rule(0).greKeys());
        assertEquals(List.of(new GreKeyRange(0x100, 0x1ff), new GreKeyRange(0xFFFF_FFFFL, 0xFFFF_FFFFL),
                new GreKeyRange(7, 7)), rs.rule(1).greKeys());
        assertEquals(List.of(), rs.rule(2).greKeys());
        assertEquals("256-511", rs.rule(1).greKeys().get(0).toString());
    }

    @ParameterizedTest(name = "key {0} -> {1}")
    @CsvSource({
        "22, blocked-in-22",
        "23, everything-else",
        "7, branch-tunnels",
        "255, everything-else",
        "256, branch-tunnels",
        "511, branch-tunnels",
        "512, everything-else",
        "4294967295, branch-tunnels",
        "0, everything-else",
    })
    void matchesTheKeyOfTheTunnel(long key, String expected) {
        RuleSet rs = RuleSetMatchTest.load(RULES);
        assertEquals(expected, matched(rs, tunnelled(RuleSetMatchTest.request("GET", "/", "blocked.example.org"), key)));
    }

    @Test
    void neverMatchesWithoutATunnelOrWithoutAKey() {
        RuleSet rs = RuleSetMatchTest.load(RULES);
        Facts plain = RuleSetMatchTest.request("GET", "/", "blocked.example.org");
        assertEquals("everything-else", matched(rs, plain));
        Facts keyless = RuleSetMatchTest.request("GET", "/", "blocked.example.org");
        keyless.tunnelled = true;
        assertEquals("everything-else", matched(rs, keyless));
        RuleSet zero = RuleSetMatchTest.load("rules:\n  - {name: z, gre_key: 0, verdict: drop}\n");
        assertEquals("none", matched(zero, keyless), "a missing key is not key 0");
        assertEquals("none", before(zero, keyless));
    }

    @Test
    void isKnownBeforeInspection() {
        RuleSet rs = RuleSetMatchTest.load(RULES);
        assertEquals("inspect", before(rs, tunnelled(RuleSetMatchTest.flow("10.0.0.2", "10.0.1.2", 40000, 80), 22)));
        assertEquals("branch-tunnels", before(rs, tunnelled(RuleSetMatchTest.flow("10.0.0.2", "10.0.1.2", 40000, 80), 0x180)));
        assertEquals("everything-else", before(rs, tunnelled(RuleSetMatchTest.flow("10.0.0.2", "10.0.1.2", 40000, 80), 23)));
        assertEquals("everything-else", before(rs, RuleSetMatchTest.flow("10.0.0.2", "10.0.1.2", 40000, 80)));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"4294967296", "-1", "0x100000000", "0x", "22a", "0x1g", "12345678901", "1.5", "0x1ff-0x100",
        "1-", "-5", "99999999999999999999"})
    void badKeysAreReportedAtTheirPosition(String key) {
        List<String> errors = errors("rules:\n  - name: r\n    gre_key: [1, \"" + key + "\"]\n    verdict: drop\n");
        assertEquals(1, errors.size(), errors.toString());
        String e = errors.get(0);
        String expected = key.equals("0x1ff-0x100")
                ? "t.yaml:3:18: bad GRE key range \"0x1ff-0x100\": 511 is greater than 256, expected \"a-b\" with a <= b"
                : "t.yaml:3:18: bad GRE key \"" + key + "\", expected a key 0..4294967295 (decimal or 0x hex), a range"
                        + " \"a-b\" with a <= b, or a list of these";
        assertEquals(expected, e);
    }

    @Test
    void wrongTypeAndEmptyListAreReported() {
        assertEquals(List.of("t.yaml:1:28: expected a GRE key, a range \"a-b\" or a list of them, got a mapping"),
                errors("rules: [{name: r, gre_key: {a: 1}, verdict: drop}]\n"));
        assertEquals(List.of("t.yaml:1:28: empty list, expected at least one value (leave the key out to match anything)"),
                errors("rules: [{name: r, gre_key: [], verdict: drop}]\n"));
    }

    @Test
    void explainSaysWhyTheKeyDoesNotHold() {
        RuleSet rs = RuleSetMatchTest.load(RULES);
        Rule r = rs.rule(1);
        Facts plain = RuleSetMatchTest.flow("10.0.0.2", "10.0.1.2", 40000, 80);
        assertEquals("gre_key 256-511, 4294967295, 7 needs a packet inside a GRE tunnel; this one is not tunnelled",
                RuleExplainer.conditions(r, plain).get(0).reason());
        assertEquals("gre_key 23 is not in 256-511, 4294967295, 7",
                RuleExplainer.conditions(r, tunnelled(plain, 23)).get(0).reason());
        assertEquals("gre_key matches 256-511", RuleExplainer.conditions(r, tunnelled(plain, 300)).get(0).reason());
    }
}
