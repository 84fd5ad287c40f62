package org.nfqwall.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link RuleSet#steeringRuleForHost}, {@link RuleSet#routes} and {@link RuleSet#routesMark}. */
class SteeringHostsTest {
    private static final RuleSet RULES = RuleSetMatchTest.load("""
            marks:
              vpn: {value: 0x10, table: 100}
              slow: {value: 0x20, shape: {rate: 1mbit}, steer: {timeout: 5m}}
              lab: {value: 0x40, table: 101, steer: false}
              plain: 0x30
            rules:
              - name: not-steering
                host: www.example.com
                verdict: {mark: plain}
              - name: dropped
                host: bad.example.com
                verdict: drop
              - name: vpn-shop
                host: ["*.shop.test"]
                dport: 443
                path: /only-this
                verdict: {mark: vpn}
              - name: vpn-example
                host: www.example.com
                verdict: {mark: vpn}
              - name: slow-video
                host_regex: ["video[0-9]+\\\\.test"]
                verdict: {mark: slow}
              - name: vpn-by-address
                dst: 10.0.0.0/8
                verdict: {mark: vpn}
              - name: lab
                host: lab.test
                verdict: {mark: lab}
            """);

    private String ruleFor(String host) {
        int i = RULES.steeringRuleForHost(host);
        return i < 0 ? null : RULES.rule(i).name();
    }

    @Test
    void findsTheFirstSteeringRuleWhoseHostConditionHolds() {
        assertEquals("vpn-example", ruleFor("www.example.com"), "the plain-mark rule before it does not steer");
        assertEquals("vpn-shop", ruleFor("a.b.shop.test"), "its port and path conditions are ignored");
        assertEquals("slow-video", ruleFor("video42.test"));
    }

    @Test
    void rulesWithoutAHostConditionOrThatDoNotSteerNeverMatch() {
        assertEquals(null, ruleFor("shop.test"), "*.shop.test does not hold for shop.test");
        assertEquals(null, ruleFor("bad.example.com"));
        assertEquals(null, ruleFor("lab.test"), "lab routes but does not steer");
        assertEquals(null, ruleFor("unknown.test"), "the address-only steering rule is no host rule");
        assertEquals(null, ruleFor(null));
        assertTrue(RULES.steersByHost());
    }

    @Test
    void saysWhichRulesAndMarksRoute() {
        assertTrue(RULES.routes(3));
        assertFalse(RULES.routes(4), "slow shapes only");
        assertFalse(RULES.routes(0));
        assertFalse(RULES.routes(-1));
        assertTrue(RULES.routesMark(0x10));
        assertTrue(RULES.routesMark(0x40));
        assertFalse(RULES.routesMark(0x20));
        assertFalse(RULES.routesMark(0));
    }

    @Test
    void aRuleSetWithoutSteeringMarksSteersNoHost() {
        RuleSet plain = RuleSetMatchTest.load("""
                rules:
                  - name: a
                    host: www.example.com
                    verdict: drop
                """);
        assertFalse(plain.steersByHost());
        assertEquals(RuleSet.NO_MATCH, plain.steeringRuleForHost("www.example.com"));
    }
}
