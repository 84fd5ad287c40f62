package org.nfqwall.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code nfqwall iptables --gre}: one jump more, taken out again by the removal document. */
class IptablesGreTest {
    private static IptablesOptions typical() {
        return new IptablesOptions(10, "FORWARD", PortRange.parseList("80"), false, false, 0xffff);
    }

    private static List<String> rules(String document) {
        return document.lines().filter(line -> !line.startsWith("#")).toList();
    }

    @Test
    void addsOneJumpForGreAfterThePortJumps() {
        List<String> plain = rules(IptablesRuleset.apply(typical()));
        List<String> gre = rules(IptablesRuleset.apply(typical().withGre(true)));
        assertEquals(plain.size() + 1, gre.size());
        int jump = gre.indexOf("-A FORWARD -p gre -j NFQWALL");
        assertEquals(gre.indexOf("-A FORWARD -p tcp -m multiport --dports 80 -j NFQWALL") + 1, jump);
        assertEquals(plain, gre.stream().filter(line -> !line.contains("-p gre")).toList(),
                "nothing else changes");
    }

    @Test
    void removalDeletesTheJumpToo() {
        List<String> remove = rules(IptablesRuleset.remove(typical().withGre(true)));
        assertTrue(remove.contains("-D FORWARD -p gre -j NFQWALL"), remove.toString());
        assertEquals(rules(IptablesRuleset.remove(typical())).size() + 1, remove.size());
    }

    @Test
    void argumentsSayGreSoTheDocumentCanBeRegenerated() {
        IptablesOptions o = typical().withGre(true);
        assertEquals("--queue 10 --chain FORWARD --ports 80 --mark-mask 0xffff --gre", o.arguments());
        assertTrue(o.withQueueAcks(true).withUdpPorts(PortRange.parseList("443")).withQueues(10, 11, false).gre(),
                "the other with* methods keep it");
    }

    @Test
    void noRuleThatActsOnNfqwallsConnmarkBitsIsLimitedToGreOrWrittenForIt() {
        // GRE packets pass the connmark rules of NFQWALL, but nfqwall never answers them with NF_REPEAT, so the
        // tunnel's conntrack entry never gets a verdict bit; the only GRE rule is the jump.
        List<String> gre = rules(IptablesRuleset.apply(typical().withGre(true))).stream()
                .filter(line -> line.contains("gre")).toList();
        assertEquals(List.of("-A FORWARD -p gre -j NFQWALL"), gre);
    }
}
