package org.nfqwall.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.nfqwall.rules.RuleSet;
import org.nfqwall.stats.Counter;
import org.nfqwall.stats.Counters;
import org.nfqwall.stats.RuleCounters;
import org.nfqwall.stats.RuleCounters.RuleCount;

/** Per-rule counters as the engine keeps them: by decision, by deciding packet, and across reloads. */
class EngineRuleCountersTest {
    private static final String BEFORE = """
            default: accept
            rules:
              - name: ssh
                dport: 22
                verdict: reject
              - name: blocked
                path: "/blocked*"
                verdict: drop
              - name: allowed
                path: "/ok*"
                verdict: accept
            """;
    /** blocked and allowed keep their names (allowed moves up, blocked gets another path), ssh is gone, web is new. */
    private static final String AFTER = """
            default: accept
            rules:
              - name: allowed
                path: "/ok*"
                verdict: accept
              - name: blocked
                path: ["/blocked*", "/also-blocked*"]
                verdict: drop
              - name: web
                dport: 8080
                verdict: drop
            """;

    private final AtomicReference<RuleSet> rules = new AtomicReference<>(EngineTest.load(BEFORE));
    private final Counters counters = new Counters();
    private final RuleCounters ruleCounters = new RuleCounters();
    private final Engine engine = new Engine(new EngineConfig(64, 120, 16384, 16384, 1 << 20, true), rules, counters,
            ruleCounters, DecisionListener.NONE);
    private long now = 1;
    private int sport = 40000;

    private long send(TestPackets p) {
        return engine.onPacket(p.buf, p.offset, p.length, 0, now++);
    }

    /** One HTTP request on a new connection: SYN, then the head in one segment; returns the head's length on the wire. */
    private int request(String path) {
        TestPackets c = new TestPackets("10.99.1.2", "10.99.2.2", sport++, 80);
        send(c.tcp(1000, TestPackets.SYN, ""));
        send(c.tcp(1001, TestPackets.ACK | TestPackets.PSH, "GET " + path + " HTTP/1.1\r\nHost: h.example\r\n\r\n"));
        return c.length;
    }

    private Map<String, RuleCount> counts() {
        return ruleCounters.snapshot();
    }

    @Test
    void countsDecisionsAndTheDecidingPacketsPerRule() {
        int len = request("/ok/1");
        request("/ok/2");
        request("/blocked/1");
        RuleCount allowed = counts().get("allowed");
        assertEquals(2, allowed.decisions());
        assertEquals(2, allowed.packets(), "the SYNs decided nothing; each head's segment decided its request");
        assertEquals(2L * len, allowed.bytes());
        assertTrue(allowed.lastHitMillis() > 0);
        assertEquals(1, counts().get("blocked").decisions());
        assertEquals(0, counts().get("ssh").decisions());
    }

    @Test
    void countsDecisionsOfTheDefaultUnderItsOwnName() {
        request("/other");
        assertEquals(1, counts().get(RuleCounters.DEFAULT).decisions());
        assertEquals(1, counts().get(RuleCounters.DEFAULT).packets());
    }

    @Test
    void countsAFlowDecidedAtItsFirstPacket() {
        TestPackets ssh = new TestPackets("10.99.1.2", "10.99.2.2", 40999, 22);
        send(ssh.tcp(1000, TestPackets.SYN, ""));
        RuleCount c = counts().get("ssh");
        assertEquals(1, c.decisions());
        assertEquals(1, c.packets());
        assertEquals(ssh.length, c.bytes());
    }

    @Test
    void countersSurviveAReloadForRulesWhoseNameIsUnchanged() {
        request("/ok/1");
        request("/blocked/1");
        TestPackets ssh = new TestPackets("10.99.1.2", "10.99.2.2", 40998, 22);
        send(ssh.tcp(1000, TestPackets.SYN, ""));
        rules.set(EngineTest.load(AFTER));
        request("/ok/2");
        request("/also-blocked/1");
        Map<String, RuleCount> c = counts();
        assertEquals(2, c.get("allowed").decisions(), "kept across the reload");
        assertEquals(2, c.get("allowed").packets());
        assertEquals(2, c.get("blocked").decisions(), "kept although its conditions changed");
        assertEquals(0, c.get("web").decisions());
        assertFalse(c.containsKey("ssh"), "a removed rule's counters are forgotten: " + c.keySet());
        assertEquals(java.util.List.of("allowed", "blocked", "web", RuleCounters.DEFAULT), java.util.List.copyOf(c.keySet()));
        assertEquals(4 + 1, counters.get(Counter.DECIDED_ACCEPT) + counters.get(Counter.DECIDED_DROP)
                + counters.get(Counter.DECIDED_REJECT));
    }

    @Test
    void aRuleRemovedAndAddedAgainStartsFromZero() {
        TestPackets ssh = new TestPackets("10.99.1.2", "10.99.2.2", 40997, 22);
        send(ssh.tcp(1000, TestPackets.SYN, ""));
        rules.set(EngineTest.load(AFTER));
        request("/ok/1");
        rules.set(EngineTest.load(BEFORE));
        request("/ok/2");
        assertEquals(0, counts().get("ssh").decisions());
        assertEquals(2, counts().get("allowed").decisions());
    }

    @Test
    void decidingAndCountingAllocatesNothingPerPacket() {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        TestPackets ssh = new TestPackets("10.99.1.2", "10.99.2.2", 1, 22);
        ssh.tcp(1000, TestPackets.SYN, new byte[0]);
        for (int round = 0; round < 2; round++) {
            long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
            for (int i = 0; i < 100_000; i++) {
                // a new flow each time (the source port changes; a SYN's checksum is not verified), decided
                // at its first packet by "ssh": flow slots are reused once the table of 64 is full
                ssh.buf.putShort(ssh.offset + 20, (short) (1024 + i % 50_000));
                send(ssh);
            }
            long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
            if (round == 1) {
                assertTrue(allocated < 4096, "allocated " + allocated + " bytes over 100,000 decisions");
            }
        }
        assertEquals(200_000, counts().get("ssh").decisions());
    }
}
