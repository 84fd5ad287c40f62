package org.nfqwall.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Feeds the generated documents to the real iptables-legacy-restore and ip6tables-legacy-restore
 * in a private network namespace: the kernel and iptables accept every rule, print each back
 * exactly as generated, and removal leaves the admin's own rules as they were.
 */
class IptablesRulesetIT {

    /** One address family's tools and an unrelated rule an admin might already have. */
    private enum Family {
        IPV4("iptables-legacy", " -s 192.0.2.7/32 -p tcp -j DROP"),
        IPV6("ip6tables-legacy", " -s 2001:db8::7/128 -p tcp -j DROP");

        final String iptables;
        private final String adminMatch;

        Family(String iptables, String adminMatch) {
            this.iptables = iptables;
            this.adminMatch = adminMatch;
        }

        /** An unrelated rule of the admin's in the chain, as iptables -S prints it. */
        String adminRule(String chain) {
            return "-A " + chain + adminMatch;
        }

        String restore() {
            return iptables + "-restore";
        }
    }

    private static IptablesOptions options(String chain, String ports, boolean ipv6, boolean failClosed,
                                           int markMask) {
        return new IptablesOptions(3, chain, PortRange.parseList(ports), ipv6, failClosed, markMask);
    }

    @Test
    void ipv4RulesetAppliesNextToAnAdminRuleAndRemovesCleanly() {
        applyRemoveApplyRemove(Family.IPV4, options("FORWARD", "80,443,8000-8100", false, false, 0xffff));
    }

    @Test
    void ipv6RulesetAppliesNextToAnAdminRuleAndRemovesCleanly() {
        applyRemoveApplyRemove(Family.IPV6, options("FORWARD", "80,443,8000-8100", true, false, 0xffff));
    }

    @Test
    void ipv4RulesetWithUdpPortsAppliesAndRemovesCleanly() {
        IptablesOptions o = options("FORWARD", "80,443", false, false, 0xffff)
                .withUdpPorts(PortRange.parseList("443,3478-3479"));
        assertTrue(IptablesRuleset.apply(o).contains("-p udp -m connmark"));
        applyRemoveApplyRemove(Family.IPV4, o);
    }

    @Test
    void ipv6RulesetWithUdpPortsForInputAppliesAndRemovesCleanly() {
        applyRemoveApplyRemove(Family.IPV6, options("INPUT", "443", true, false, 0xff)
                .withUdpPorts(List.of(PortRange.of(443))));
    }

    @Test
    void rulesetsThatQueueAcksApplyAndRemoveCleanly() {
        applyRemoveApplyRemove(Family.IPV4, options("FORWARD", "80", false, false, 0xffff).withQueueAcks(true));
        applyRemoveApplyRemove(Family.IPV6, options("OUTPUT", "80", true, true, 0xffff).withQueueAcks(true));
    }

    @Test
    void balancedRulesetsApplyReadBackAndRemoveCleanly() {
        IptablesOptions balanced = options("FORWARD", "80", false, false, 0xffff).withQueues(0, 3, false);
        assertTrue(IptablesRuleset.apply(balanced).contains("-j NFQUEUE --queue-balance 0:3 --queue-bypass\n"));
        applyRemoveApplyRemove(Family.IPV4, balanced);
        applyRemoveApplyRemove(Family.IPV6, options("INPUT", "80", true, true, 0xffff).withQueues(2, 5, false));
        IptablesOptions fanout = options("FORWARD", "80", false, false, 0xffff).withQueues(0, 1, true);
        assertTrue(IptablesRuleset.apply(fanout).contains("--queue-balance 0:1 --queue-bypass --queue-cpu-fanout\n"));
        applyRemoveApplyRemove(Family.IPV4, fanout);
        applyRemoveApplyRemove(Family.IPV6, options("OUTPUT", "80", true, true, 0xffff).withQueues(0, 1, true));
    }

    @Test
    void splitUdpPortsApplyAndRemoveCleanly() {
        // 20 single UDP ports: two rules per direction.
        String udp = IntStream.rangeClosed(6001, 6020).mapToObj(Integer::toString).collect(Collectors.joining(","));
        IptablesOptions o = options("OUTPUT", "80", false, true, 0xffff).withUdpPorts(PortRange.parseList(udp));
        assertEquals(2, IptablesRuleset.multiportLists(o.udpPorts()).size());
        applyRemoveApplyRemove(Family.IPV4, o);
    }

    @Test
    void splitFailClosedInputRulesetAppliesAndRemovesCleanly() {
        // 20 single ports and 3 ranges: 26 multiport entries, two rules per direction.
        String ports = IntStream.rangeClosed(2001, 2020).mapToObj(Integer::toString).collect(Collectors.joining(","))
                + ",3000-3010,4000-4010,5000-5010";
        IptablesOptions o = options("INPUT", ports, false, true, 0x00ff0000);
        assertEquals(2, IptablesRuleset.multiportLists(o.ports()).size());
        applyRemoveApplyRemove(Family.IPV4, o);
    }

    @Test
    void splitIpv6RulesetForOutputAppliesAndRemovesCleanly() {
        String ports = IntStream.rangeClosed(1, 16).mapToObj(i -> (i * 100) + "-" + (i * 100 + 9))
                .collect(Collectors.joining(","));
        applyRemoveApplyRemove(Family.IPV6, options("OUTPUT", ports, true, true, 0x0fffffff));
    }

    @Test
    void removalFailsAndChangesNothingWhenNothingWasApplied() {
        IptablesOptions o = options("FORWARD", "80", false, false, 0xffff);
        try (NetworkNamespace ns = NetworkNamespace.create()) {
            addAdminRule(ns, Family.IPV4, "FORWARD");
            String before = ruleset(ns, Family.IPV4);
            assertFalse(ns.exec(IptablesRuleset.remove(o), Family.IPV4.restore(), "--noflush").ok());
            assertEquals(before, ruleset(ns, Family.IPV4));
        }
    }

    @Test
    void applyingTwiceKeepsOneCopyOfTheChainsButDuplicatesTheJumps() {
        IptablesOptions o = options("FORWARD", "80", false, false, 0xffff);
        String apply = IptablesRuleset.apply(o);
        String remove = IptablesRuleset.remove(o);
        try (NetworkNamespace ns = NetworkNamespace.create()) {
            String empty = ruleset(ns, Family.IPV4);
            ns.execOk(apply, Family.IPV4.restore(), "--noflush");
            ns.execOk(apply, Family.IPV4.restore(), "--noflush");
            assertEquals(expectedChain(apply, IptablesRuleset.CHAIN), chain(ns, Family.IPV4, IptablesRuleset.CHAIN));
            assertEquals(expectedChain(apply, IptablesRuleset.VERDICT_CHAIN),
                    chain(ns, Family.IPV4, IptablesRuleset.VERDICT_CHAIN));
            String jump = "-A FORWARD -p tcp -m multiport --dports 80 -j NFQWALL";
            String twice = ruleset(ns, Family.IPV4);
            assertEquals(2, twice.lines().filter(jump::equals).count(), twice);

            // A chain still jumped to cannot be deleted, so removal fails as a whole...
            assertFalse(ns.exec(remove, Family.IPV4.restore(), "--noflush").ok());
            assertEquals(twice, ruleset(ns, Family.IPV4));
            // ...and the documented way out works: delete one copy of the jumps, then remove.
            String jumpsOnly = remove.lines().filter(line -> !line.matches("^-[FX] .*"))
                    .collect(Collectors.joining("\n", "", "\n"));
            ns.execOk(jumpsOnly, Family.IPV4.restore(), "--noflush");
            ns.execOk(remove, Family.IPV4.restore(), "--noflush");
            assertEquals(empty, ruleset(ns, Family.IPV4));
        }
    }

    /** Apply, check, remove, check, and the same again: remove-then-apply is how to update. */
    private static void applyRemoveApplyRemove(Family family, IptablesOptions o) {
        String apply = IptablesRuleset.apply(o);
        String remove = IptablesRuleset.remove(o);
        try (NetworkNamespace ns = NetworkNamespace.create()) {
            addAdminRule(ns, family, o.chain());
            String before = ruleset(ns, family);
            assertTrue(before.lines().anyMatch(family.adminRule(o.chain())::equals), before);
            for (int round = 1; round <= 2; round++) {
                ns.execOk(apply, family.restore(), "--noflush");
                assertApplied(ns, family, o, apply);
                ns.execOk(remove, family.restore(), "--noflush");
                String after = ruleset(ns, family);
                assertEquals(before, after, "round " + round + ": removal must restore the admin's ruleset");
                assertFalse(after.contains("NFQWALL"), after);
            }
        }
    }

    /**
     * Every rule of the document is in the kernel, printed back by iptables exactly as written
     * (so the generator writes iptables' normalised form), the chains hold nothing else, and the
     * admin's rule still comes first.
     */
    private static void assertApplied(NetworkNamespace ns, Family family, IptablesOptions o, String apply) {
        String live = ruleset(ns, family);
        List<String> liveLines = live.lines().toList();
        assertTrue(liveLines.contains("-N " + IptablesRuleset.CHAIN), live);
        assertTrue(liveLines.contains("-N " + IptablesRuleset.VERDICT_CHAIN), live);
        List<String> appended = apply.lines().filter(line -> line.startsWith("-A ")).toList();
        for (String rule : appended) {
            assertTrue(liveLines.contains(rule), "iptables -S lacks\n" + rule + "\nin\n" + live);
        }
        assertEquals(expectedChain(apply, IptablesRuleset.CHAIN), chain(ns, family, IptablesRuleset.CHAIN));
        assertEquals(expectedChain(apply, IptablesRuleset.VERDICT_CHAIN),
                chain(ns, family, IptablesRuleset.VERDICT_CHAIN));
        int admin = liveLines.indexOf(family.adminRule(o.chain()));
        int firstJump = IntStream.range(0, liveLines.size())
                .filter(i -> liveLines.get(i).startsWith("-A " + o.chain() + " ")
                        && liveLines.get(i).endsWith("-j " + IptablesRuleset.CHAIN))
                .findFirst().orElseThrow();
        assertTrue(admin >= 0 && admin < firstJump, "the admin's rule must stay first:\n" + live);
    }

    /** Adds the family's admin rule the way an admin would, with the iptables command. */
    private static void addAdminRule(NetworkNamespace ns, Family family, String chain) {
        String[] command = (family.iptables + " " + family.adminRule(chain)).split(" ");
        ns.execOk(null, command);
    }

    private static String ruleset(NetworkNamespace ns, Family family) {
        return ns.execOk(null, family.iptables, "-S");
    }

    /** What {@code iptables -S CHAIN} prints: the chain, then its rules. */
    private static String chain(NetworkNamespace ns, Family family, String chain) {
        return ns.execOk(null, family.iptables, "-S", chain);
    }

    private static String expectedChain(String apply, String chain) {
        return "-N " + chain + "\n" + apply.lines().filter(line -> line.startsWith("-A " + chain + " "))
                .collect(Collectors.joining("\n", "", "\n"));
    }
}
