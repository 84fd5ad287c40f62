package org.nfqwall.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nfqwall.rules.RuleLoadResult;
import org.nfqwall.rules.RuleSet;
import org.nfqwall.rules.RulesLoader;

/** A reload that changes a rule's {@code gre_key:} says so, in canonical (decimal) form. */
class RuleSetDiffGreKeyTest {
    private static RuleSet load(String yaml) {
        RuleLoadResult r = RulesLoader.parse("r.yaml", yaml);
        assertTrue(r.ok(), () -> r.errors().toString());
        return r.ruleSet();
    }

    @Test
    void reportsAChangedGreKey() {
        String before = "rules:\n  - {name: t, gre_key: 22, host: a.example, verdict: drop}\n";
        String after = "rules:\n  - {name: t, gre_key: [0x16, 0x100-0x1ff], host: a.example, verdict: drop}\n";
        assertEquals(List.of("~ rule \"t\" (line 2): gre_key: 22 -> 22, 256-511"),
                RuleSetDiff.between(load(before), load(after)).lines());
        assertEquals(List.of("~ rule \"t\" (line 2): gre_key: 22 -> (none)"),
                RuleSetDiff.between(load(before), load("rules:\n  - {name: t, host: a.example, verdict: drop}\n"))
                        .lines());
    }
}
