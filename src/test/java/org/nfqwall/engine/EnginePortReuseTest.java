package org.nfqwall.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.nfqwall.rules.MarkBits;
import org.nfqwall.stats.Counters;

/**
 * A client that opens a new connection from the source port of an earlier one (the same four
 * addresses and ports: clients and NATs reuse ports all the time) starts a new flow: the SYN
 * replaces whatever nfqwall still remembers of the old connection.
 */
class EnginePortReuseTest {
    private static final String RULES = """
            default: accept
            rules:
              - name: blocked
                path: "/blocked*"
                verdict: reject
              - name: allowed
                path: "/ok*"
                verdict: accept
            """;

    private final List<String> decisions = new ArrayList<>();
    private final Engine engine = new Engine(EngineConfig.defaults(), new AtomicReference<>(EngineTest.load(RULES)),
            new Counters(), (facts, rule, verdict, mark) -> decisions.add(rule == null ? "(default)" : rule.name()));
    private long now = 1;

    private long send(TestPackets p) {
        return engine.onPacket(p.buf, p.offset, p.length, 0, now++);
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: www.example.com\r\nConnection: close\r\n\r\n";
    }

    @Test
    void aNewConnectionOnTheTupleOfAKeptAliveOneIsInspectedFromItsOwnStart() {
        TestPackets c = new TestPackets("10.99.1.2", "10.99.2.2", 40000, 80);
        send(c.tcp(1000, TestPackets.SYN, ""));
        String first = get("/ok/1");
        assertEquals(PacketVerdict.ACCEPTED, send(c.tcp(1001, TestPackets.ACK, first)));
        send(c.tcp(1001 + first.length(), TestPackets.FIN | TestPackets.ACK, ""));
        // Same ports, a new connection with a sequence number far from the old one.
        assertEquals(PacketVerdict.ACCEPTED, send(c.tcp(7_000_000, TestPackets.SYN, "")));
        assertEquals(PacketVerdict.ACCEPTED, send(c.tcp(7_000_001, TestPackets.ACK, get("/ok/2"))));
        assertEquals(List.of("allowed", "allowed"), decisions);
    }

    @Test
    void aNewConnectionOnTheTupleOfAFlowAcceptedForGoodIsInspectedAgain() {
        TestPackets c = new TestPackets("10.99.1.2", "10.99.2.2", 40001, 80);
        send(c.tcp(1000, TestPackets.SYN, ""));
        // Not HTTP: decided for good (protocol unknown, the default accepts), offloaded to the kernel.
        long v = send(c.tcp(1001, TestPackets.ACK, "HELLO THERE\r\n\r\n"));
        assertTrue((PacketVerdict.mark(v) & MarkBits.OFFLOAD) != 0, PacketVerdict.describe(v));
        assertEquals(PacketVerdict.ACCEPTED, send(c.tcp(5_000_000, TestPackets.SYN, "")));
        v = send(c.tcp(5_000_001, TestPackets.ACK, get("/blocked/2")));
        assertTrue((PacketVerdict.mark(v) & MarkBits.REJECT) != 0, "the new connection is judged: " + PacketVerdict.describe(v));
        assertEquals(List.of("(default)", "blocked"), decisions);
    }

    @Test
    void aForgedSynDoesNotResetAFlowUnderInspection() {
        TestPackets c = new TestPackets("10.99.1.2", "10.99.2.2", 40002, 80);
        send(c.tcp(1000, TestPackets.SYN, ""));
        String head = get("/blocked/x");
        assertEquals(PacketVerdict.ACCEPTED, send(c.tcp(1001, TestPackets.ACK, head.substring(0, 10))));
        send(c.tcp(3_000_000, TestPackets.SYN, ""));
        long v = send(c.tcp(1011, TestPackets.ACK, head.substring(10)));
        assertTrue((PacketVerdict.mark(v) & MarkBits.REJECT) != 0, "the split head is still reassembled and judged");
    }

    @Test
    void aForgedSynDoesNotReopenADroppedFlow() {
        TestPackets c = new TestPackets("10.99.1.2", "10.99.2.2", 40003, 80);
        send(c.tcp(1000, TestPackets.SYN, ""));
        send(c.tcp(1001, TestPackets.ACK, get("/blocked/y")));
        send(c.tcp(8_000_000, TestPackets.SYN, ""));
        assertEquals(PacketVerdict.DROPPED, send(c.tcp(8_000_001, TestPackets.ACK, get("/ok/y"))));
        assertEquals(List.of("blocked"), decisions);
    }

    @Test
    void aRetransmittedSynKeepsTheFlow() {
        TestPackets c = new TestPackets("10.99.1.2", "10.99.2.2", 40004, 80);
        send(c.tcp(1000, TestPackets.SYN, ""));
        String first = get("/ok/1");
        send(c.tcp(1001, TestPackets.ACK, first));
        send(c.tcp(1001 + first.length(), TestPackets.FIN | TestPackets.ACK, ""));
        assertEquals(PacketVerdict.ACCEPTED, send(c.tcp(1000, TestPackets.SYN, "")));
        assertEquals(List.of("allowed"), decisions, "the same SYN again opens nothing new");
    }
}
