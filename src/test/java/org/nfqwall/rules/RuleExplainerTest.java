package org.nfqwall.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RuleExplainerTest {

    /** Facts over the example's rules: every combination of a few hosts, paths, methods and protocols. */
    private static List<Facts> grid() {
        List<Facts> out = new java.util.ArrayList<>();
        for (String src : List.of("10.99.1.2", "10.0.0.1", "fd99:1::2")) {
            for (String host : new String[] {null, "www.example.com", "example.com", "video.example.org",
                "ads.example.net", "blocked.example.org"}) {
                for (String path : new String[] {null, "/APP1/x", "/APP2/x", "/app2/x", "/"}) {
                    for (Protocol p : Protocol.values()) {
                        Facts f = RuleSetMatchTest.flow(src, src.contains(":") ? "fd99:2::2" : "10.99.2.2", 40000, 80);
                        f.applicationKnown = true;
                        f.protocol = p;
                        if (p == Protocol.HTTP) {
                            f.method = "GET";
                            f.path = path;
                        }
                        if (p == Protocol.TLS || p == Protocol.QUIC) {
                            f.helloSeen = true;
                            f.sniPresent = host != null;
                            f.addAlpn("h2");
                        }
                        if (host != null && (p == Protocol.HTTP || f.helloSeen)) {
                            f.addHost(host);
                        }
                        out.add(f);
                    }
                }
            }
        }
        return out;
    }

    @Test
    void conditionsAllHoldExactlyWhenTheRuleMatches() {
        RuleSet rules = RuleSetMatchTest.example();
        for (Facts f : grid()) {
            for (int i = 0; i < rules.size(); i++) {
                Rule r = rules.rule(i);
                boolean all = RuleExplainer.conditions(r, f).stream().allMatch(ConditionResult::holds);
                assertEquals(r.matchesAddressesAndPorts(f) && r.matchesApplication(f), all, r + " " + f.hosts[0]);
            }
        }
    }

    @Test
    void theDecidingRuleIsWhatMatchReturns() {
        RuleSet rules = RuleSetMatchTest.example();
        for (Facts f : grid()) {
            Explanation x = RuleExplainer.explain(rules, f);
            int index = rules.match(f);
            assertEquals(index, x.decidingIndex());
            if (index == RuleSet.NO_MATCH) {
                assertNull(x.decidingRule());
                assertEquals(rules.defaultVerdict(), x.verdict());
            } else {
                assertEquals(rules.rule(index), x.decidingRule());
                assertTrue(x.decidingConditions().stream().allMatch(ConditionResult::holds));
            }
            assertEquals(rules.matchBeforeInspection(f), x.beforeInspection());
            for (Explanation.NearMiss miss : x.nearMisses()) {
                assertTrue(miss.failed() >= 1);
            }
        }
    }

    @Test
    void aHostJustUnderAWildcardIsANearMissEvenWithNothingElseHolding() {
        RuleSet rules = RuleSetMatchTest.load("rules:\n  - {name: w, host: '*.example.com', verdict: drop}\n");
        Facts f = RuleSetMatchTest.request("GET", "/", "example.com");
        Explanation x = RuleExplainer.explain(rules, f);
        assertEquals(1, x.nearMisses().size());
        assertEquals("host \"example.com\" does not match \"*.example.com\" (*.example.com matches names under "
                + "example.com, not the name itself)", x.nearMisses().get(0).conditions().get(0).reason());
    }

    @Test
    void aRuleFailingOnItsOnlyConditionIsNotACloseCall() {
        RuleSet rules = RuleSetMatchTest.load("rules:\n  - {name: a, host: ads.example.net, verdict: drop}\n");
        assertEquals(List.of(), RuleExplainer.explain(rules, RuleSetMatchTest.request("GET", "/", "a.org")).nearMisses());
    }

    @Test
    void setAddressStoresIpv4Mapped() {
        Facts f = new Facts();
        RuleExplainer.setAddress(f, true, "10.1.2.3");
        assertEquals(0, f.srcHi);
        assertEquals(0x0000FFFF0A010203L, f.srcLo);
        RuleExplainer.setAddress(f, false, "fd00::1");
        assertEquals(0xFD00000000000000L, f.dstHi);
        assertEquals(1, f.dstLo);
    }
}
