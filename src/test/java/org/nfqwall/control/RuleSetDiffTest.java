package org.nfqwall.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nfqwall.rules.RuleLoadResult;
import org.nfqwall.rules.RuleSet;
import org.nfqwall.rules.RulesLoader;

class RuleSetDiffTest {
    private static final String BASE = """
            default: accept
            marks:
              shaped: 0x6
            rules:
              - name: a
                path: "/a*"
                verdict: drop
              - name: b
                host: b.example
                verdict: reject
              - name: c
                dport: 22
                verdict: {mark: shaped}
              - name: d
                src: 10.0.0.0/8
                verdict: accept
            """;

    private static RuleSet load(String yaml) {
        RuleLoadResult r = RulesLoader.parse("r.yaml", yaml);
        assertTrue(r.ok(), () -> r.errors().toString());
        return r.ruleSet();
    }

    private static List<String> diff(String before, String after) {
        return RuleSetDiff.between(load(before), load(after)).lines();
    }

    @Test
    void identicalRulesAreNoChangeEvenOnOtherLines() {
        RuleSetDiff d = RuleSetDiff.between(load(BASE), load("# a comment\n\n" + BASE));
        assertTrue(d.empty(), d.lines().toString());
    }

    @Test
    void reportsAddedAndRemovedRulesByName() {
        String after = BASE.replace("  - name: b\n    host: b.example\n    verdict: reject\n", "")
                + "  - name: e\n    method: POST\n    verdict: drop\n";
        assertEquals(List.of("+ rule \"e\" (line 14): drop", "- rule \"b\" (was line 8)"), diff(BASE, after));
    }

    @Test
    void reportsChangedConditionsAndVerdicts() {
        String after = BASE.replace("path: \"/a*\"", "path: [\"/a*\", \"/b*\"]").replace("verdict: reject", "verdict: drop")
                .replace("dport: 22", "dport: 22\n    src: 10.1.0.0/16");
        assertEquals(List.of("~ rule \"a\" (line 5): path: /a* -> /a*, /b*", "~ rule \"b\" (line 8): verdict: reject -> drop",
                "~ rule \"c\" (line 11): src: (none) -> 10.1.0.0/16"), diff(BASE, after));
    }

    @Test
    void namesTheMarkOfAMarkVerdict() {
        String after = BASE.replace("verdict: {mark: shaped}", "verdict: {mark: 0x7}");
        assertEquals(List.of("~ rule \"c\" (line 11): verdict: mark shaped (0x6) -> mark 0x7"), diff(BASE, after));
    }

    @Test
    void reportsOnlyTheRuleThatMoved() {
        String moved = """
                default: accept
                marks:
                  shaped: 0x6
                rules:
                  - name: d
                    src: 10.0.0.0/8
                    verdict: accept
                  - name: a
                    path: "/a*"
                    verdict: drop
                  - name: b
                    host: b.example
                    verdict: reject
                  - name: c
                    dport: 22
                    verdict: {mark: shaped}
                """;
        assertEquals(List.of("~ rule \"d\" (line 5): moved: rule 1 of 4 (was 4 of 4)"), diff(BASE, moved));
    }

    @Test
    void reportsTheDefaultAndTheMarkMask() {
        String after = BASE.replace("default: accept", "default: drop\nmark_mask: 0xff");
        assertEquals(List.of("~ default: accept -> drop", "~ mark_mask: 0xfffffff -> 0xff"), diff(BASE, after));
    }

    @Test
    void reportsMarksAddedChangedAndRemoved() {
        String after = BASE.replace("  shaped: 0x6\n", "  shaped: {value: 0x6, shape: {rate: 2mbit}}\n"
                + "  vpn: {value: 0x10, table: 100, via: 10.8.0.1}\n");
        assertEquals(List.of("~ mark shaped: 0x6 -> 0x6, shape 2mbit",
                "~ mark vpn: added: 0x10, table 100 via 10.8.0.1, steer 1h00m max 65536"), diff(BASE, after));
        assertEquals(List.of("~ mark shaped: 0x6, shape 2mbit -> 0x6",
                "~ mark vpn: removed (was 0x10, table 100 via 10.8.0.1, steer 1h00m max 65536)"), diff(after, BASE));
    }

    @Test
    void travelsAsJson() throws Exception {
        String after = BASE.replace("verdict: reject", "verdict: drop") + "  - name: e\n    verdict: drop\n";
        RuleSetDiff d = RuleSetDiff.between(load(BASE), load(after));
        RuleSetDiff back = RuleSetDiff.fromJsonMap(Json.parse(Json.write(d.toJsonMap())));
        assertEquals(d, back);
    }

    @Test
    void longestIncreasingKeepsTheMostRulesInPlace() {
        assertArrayEquals(new boolean[] {false, true, true, true}, RuleSetDiff.longestIncreasing(List.of(3, 0, 1, 2)));
        assertArrayEquals(new boolean[] {true, true, false, true}, RuleSetDiff.longestIncreasing(List.of(0, 1, 3, 2)));
        assertArrayEquals(new boolean[0], RuleSetDiff.longestIncreasing(List.of()));
    }
}
