package org.nfqwall.gen;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class IptablesBlocksTest {
    private static IptablesOptions options(boolean ipv6, boolean blocks) {
        return new IptablesOptions(10, "FORWARD", List.of(PortRange.of(80)), List.of(), ipv6, false, 0x0fffffff,
                false, blocks);
    }

    @Test
    void setRulesComeBeforeEverythingElseInTheChain() {
        String doc = IptablesRuleset.apply(options(false, true));
        int src = doc.indexOf("-A NFQWALL -m set --match-set nfqwall-src src -j DROP");
        int dst = doc.indexOf("-A NFQWALL -m set --match-set nfqwall-dst dst -j DROP");
        int first = doc.indexOf("-A NFQWALL -p tcp -m connmark");
        int offload = doc.indexOf("-A NFQWALL -m connmark --mark 0x10000000/0x10000000 -j ACCEPT");
        assertTrue(src > 0 && dst > src && first > dst && offload > first, doc);
        assertTrue(doc.contains("--blocks"), "the regenerate/remove comment repeats the option");
    }

    @Test
    void ipv6UsesTheIpv6Sets() {
        String doc = IptablesRuleset.apply(options(true, true));
        assertTrue(doc.contains("--match-set nfqwall-src6 src") && doc.contains("--match-set nfqwall-dst6 dst"), doc);
    }

    @Test
    void withoutTheOptionThereAreNoSetRules() {
        assertFalse(IptablesRuleset.apply(options(false, false)).contains("--match-set"));
    }

    @Test
    void removeFlushesTheChainThatHoldsTheSetRules() {
        String doc = IptablesRuleset.remove(options(false, true));
        assertTrue(doc.contains("-F NFQWALL") && doc.contains("-X NFQWALL"), doc);
    }
}
