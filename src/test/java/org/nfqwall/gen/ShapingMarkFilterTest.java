package org.nfqwall.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nfqwall.rules.RuleLoadResult;
import org.nfqwall.rules.RulesLoader;

/** The shaping filters match the mark with a cls_bpf program, never with u32 (see ShapingScript). */
class ShapingMarkFilterTest {

    @Test
    void programLoadsTheMarkMasksItAndComparesWithTheValue() {
        assertEquals("5,32 0 0 4294963220,84 0 0 255,21 0 1 32,6 0 0 4294967295,6 0 0 0",
                ShapingScript.markFilterProgram(0x20, 0xff));
        assertEquals("5,32 0 0 4294963220,84 0 0 268435455,21 0 1 268435455,6 0 0 4294967295,6 0 0 0",
                ShapingScript.markFilterProgram(0x0fffffff, 0x0fffffff));
    }

    @Test
    void scriptHasOneBpfFilterPerShapedMarkAndNoU32() {
        RuleLoadResult loaded = RulesLoader.parse("r.yaml", """
                mark_mask: 0xff
                marks:
                  slow: {value: 0x20, shape: {rate: 2mbit, ceil: 4mbit}}
                  fast: {value: 0x30, shape: {rate: 20mbit}}
                """);
        assertTrue(loaded.ok(), loaded.errors().toString());
        String script = new ShapingScript("r.yaml", loaded.ruleSet(), "lan0", "1gbit", 1_000_000_000L).apply();
        assertTrue(script.contains("tc filter add dev lan0 parent 1: protocol all prio 1 bpf bytecode"
                + " '5,32 0 0 4294963220,84 0 0 255,21 0 1 32,6 0 0 4294967295,6 0 0 0' flowid 1:10\n"), script);
        assertTrue(script.contains("tc filter add dev lan0 parent 1: protocol all prio 1 bpf bytecode"
                + " '5,32 0 0 4294963220,84 0 0 255,21 0 1 48,6 0 0 4294967295,6 0 0 0' flowid 1:11\n"), script);
        assertFalse(script.contains(" u32 "), script);
    }
}
