package org.nfqwall.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nfqwall.stats.RuleCounters.RuleCount;

class RuleCountersTest {
    @Test
    void startsWithOnlyTheDefault() {
        assertEquals(List.of(RuleCounters.DEFAULT), List.copyOf(new RuleCounters().snapshot().keySet()));
    }

    @Test
    void keepsCountsByNameWhenRulesMoveAndForgetsRemovedOnes() {
        RuleCounters c = new RuleCounters();
        c.bind(new String[] {"a", "b", "c"});
        c.decided(0, 10);
        c.packet(0, 100);
        c.decided(2, 20);
        c.decided(3, 30);
        c.bind(new String[] {"c", "d", "a"});
        c.decided(2, 40);
        Map<String, RuleCount> s = c.snapshot();
        assertEquals(List.of("c", "d", "a", RuleCounters.DEFAULT), List.copyOf(s.keySet()));
        assertEquals(new RuleCount("a", 2, 1, 100, 40), s.get("a"));
        assertEquals(new RuleCount("c", 1, 0, 0, 20), s.get("c"));
        assertEquals(new RuleCount("d", 0, 0, 0, 0), s.get("d"));
        assertEquals(1, s.get(RuleCounters.DEFAULT).decisions());
    }

    @Test
    void mergesWorkersByName() {
        RuleCounters one = new RuleCounters();
        RuleCounters two = new RuleCounters();
        one.bind(new String[] {"a"});
        two.bind(new String[] {"a"});
        one.decided(0, 5);
        two.decided(0, 9);
        two.packet(0, 60);
        assertEquals(new RuleCount("a", 2, 1, 60, 9), RuleCounters.merge(List.of(one, two)).get("a"));
    }
}
