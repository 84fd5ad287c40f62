package org.nfqwall.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class IptablesRuleLineTest {

    @Test
    void takesCountersOutOfTheMiddleOfARule() {
        IptablesRuleLine r = IptablesRuleLine.parse("-A FORWARD -p tcp -m tcp --dport 81 -c 5 300 "
                + "-j REJECT --reject-with tcp-reset");
        assertEquals("-A FORWARD -p tcp -m tcp --dport 81 -j REJECT --reject-with tcp-reset",
                r.withoutCounters());
        assertEquals(5, r.packets());
        assertEquals(300, r.bytes());
    }

    @Test
    void readsPolicyLine() {
        IptablesRuleLine r = IptablesRuleLine.parse("-P FORWARD ACCEPT -c 14 1061");
        assertEquals("-P FORWARD ACCEPT", r.withoutCounters());
        assertEquals(14, r.packets());
    }

    @Test
    void ignoresLinesWithoutCounters() {
        assertNull(IptablesRuleLine.parse("-N MYCHAIN"));
        assertNull(IptablesRuleLine.parse(""));
    }
}
