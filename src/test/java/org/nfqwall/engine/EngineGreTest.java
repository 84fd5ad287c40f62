package org.nfqwall.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nfqwall.stats.Counter;
import org.nfqwall.stats.Counters;
import org.nfqwall.testing.GreTunnel;

/** Packets inside GRE tunnels: decided on the inner packet, per packet, never with connmark bits. */
class EngineGreTest {
    private static final String RULES = """
            default: accept
            mark_mask: 0xff
            marks:
              shaped: 0x6
            rules:
              - name: blocked-in-22
                gre_key: 22
                host: blocked.example.org
                verdict: drop
              - name: tunnel-30
                gre_key: [30, 0x100-0x1ff]
                verdict: drop
              - name: rejected
                host: reject.example.org
                verdict: reject
              - name: video
                host: video.example.org
                verdict: {mark: shaped}
            """;
    private static final GreTunnel SITE_A = GreTunnel.between("192.0.2.1", "192.0.2.254");
    private static final GreTunnel SITE_B = GreTunnel.between("198.51.100.1", "192.0.2.254");

    private final RecordingEngine recording = new RecordingEngine(RULES);
    private final Counters counters = recording.counters;
    private final List<String> decisions = recording.decisions;
    /** Every verdict a test got, to check that none carries nfqwall's connmark bits. */
    private final List<Long> verdicts = new ArrayList<>();

    private long send(TestPackets p) {
        return send(p, 0);
    }

    private long send(TestPackets p, int mark) {
        long v = recording.send(p, mark);
        verdicts.add(v);
        return v;
    }

    @AfterEach
    void noVerdictEverAsksForTheConnmark() {
        for (long v : verdicts) {
            assertNotEquals(PacketVerdict.REPEAT, PacketVerdict.action(v), PacketVerdict.describe(v));
        }
    }

    /** The client side of inner flow 10.0.0.2:40000 -> 10.0.1.2:80 in {@code tunnel}. */
    private static TestPackets client(GreTunnel tunnel) {
        return new TestPackets("10.0.0.2", "10.0.1.2", 40000, 80).inTunnel(tunnel);
    }

    /** The server side of the same inner flow, through the same tunnel the other way. */
    private static TestPackets server(GreTunnel reverse) {
        return new TestPackets("10.0.1.2", "10.0.0.2", 80, 40000).inTunnel(reverse);
    }

    private static String get(String host) {
        return "GET /index.html HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: t\r\n\r\n";
    }

    private static void assertAction(int action, long verdict) {
        assertEquals(action, PacketVerdict.action(verdict), PacketVerdict.describe(verdict));
    }

    @Test
    void blockedHostUnderKey22IsDroppedAndSoIsTheRestOfTheInnerFlow() {
        TestPackets c = client(SITE_A.key(22));
        assertAction(PacketVerdict.ACCEPT, send(c.tcp(1000, TestPackets.SYN, "")));
        assertEquals(PacketVerdict.DROPPED, send(c.tcp(1001, TestPackets.ACK | TestPackets.PSH, get("blocked.example.org"))));
        assertEquals(List.of("blocked-in-22 drop"), decisions);
        assertEquals(PacketVerdict.DROPPED, send(c.tcp(1001, TestPackets.ACK | TestPackets.PSH, get("blocked.example.org"))),
                "the retransmission too");
        assertEquals(PacketVerdict.DROPPED, send(c.tcp(1100, TestPackets.ACK, "more")));
        TestPackets s = server(GreTunnel.between("192.0.2.254", "192.0.2.1").key(22));
        assertEquals(PacketVerdict.DROPPED, send(s.tcp(5000, TestPackets.ACK, "HTTP/1.1 200 OK\r\n")),
                "the replies of a dropped inner flow");
        assertEquals(1, decisions.size(), "decided once");
        assertEquals(5, counters.get(Counter.GRE_PACKETS));
        assertEquals(0, counters.get(Counter.FLOWS_OFFLOADED));
    }

    @Test
    void sameRequestUnderKey23IsAccepted() {
        TestPackets c = client(SITE_A.key(23));
        send(c.tcp(1000, TestPackets.SYN, ""));
        assertEquals(PacketVerdict.ACCEPTED, send(c.tcp(1001, TestPackets.ACK | TestPackets.PSH, get("blocked.example.org"))));
        assertEquals(List.of("(default) accept"), decisions);
    }

    @Test
    void gre_keyNeverMatchesOutsideATunnelNorATunnelWithoutKey() {
        for (TestPackets c : List.of(new TestPackets("10.0.0.2", "10.0.1.2", 40000, 80), client(SITE_A))) {
            send(c.tcp(1000, TestPackets.SYN, ""));
            assertEquals(PacketVerdict.ACCEPTED, send(c.tcp(1001, TestPackets.ACK | TestPackets.PSH,
                    get("blocked.example.org"))));
        }
        assertEquals(List.of("(default) accept", "(default) accept"), decisions);
    }

    @Test
    void sameInnerFlowInTwoTunnelsIsTwoFlows() {
        TestPackets a = client(SITE_A.key(22));
        TestPackets b = client(SITE_B.key(22));
        send(a.tcp(1000, TestPackets.SYN, ""));
        send(b.tcp(1000, TestPackets.SYN, ""));
        assertEquals(PacketVerdict.ACCEPTED, send(b.tcp(1001, TestPackets.ACK | TestPackets.PSH, get("www.example.org"))));
        assertEquals(PacketVerdict.DROPPED, send(a.tcp(1001, TestPackets.ACK | TestPackets.PSH, get("blocked.example.org"))));
        assertEquals(PacketVerdict.ACCEPTED, send(b.tcp(1100, TestPackets.ACK, "x")), "site B's flow is not site A's");
        assertEquals(PacketVerdict.DROPPED, send(a.tcp(1100, TestPackets.ACK, "x")));
        assertEquals(2, counters.get(Counter.FLOWS));
    }

    @Test
    void keyRuleWithoutInspectionDecidesAtTheFirstPacket() {
        assertEquals(PacketVerdict.DROPPED, send(client(SITE_A.key(30)).tcp(1000, TestPackets.SYN, "")));
        assertEquals(PacketVerdict.DROPPED, send(client(SITE_B.key(0x1ff)).tcp(1000, TestPackets.SYN, "")));
        assertEquals(PacketVerdict.ACCEPTED, send(client(SITE_B.key(0x200)).tcp(1000, TestPackets.SYN, "")));
        assertEquals(List.of("tunnel-30 drop", "tunnel-30 drop"), decisions);
    }

    @Test
    void udpInsideATunnelIsDecidedPerPacketToo() {
        TestPackets dropped = new TestPackets("10.0.0.2", "10.0.1.2", 5353, 53).inTunnel(SITE_A.key(30));
        assertEquals(PacketVerdict.DROPPED, send(dropped.udp(new byte[] {1, 2, 3})));
        assertEquals(PacketVerdict.DROPPED, send(dropped.udp(new byte[] {4, 5, 6})), "the rest of the flow");
        TestPackets allowed = new TestPackets("10.0.0.2", "10.0.1.2", 5353, 53).inTunnel(SITE_A.key(31));
        assertEquals(PacketVerdict.ACCEPTED, send(allowed.udp(new byte[] {1, 2, 3})));
        assertEquals(PacketVerdict.ACCEPTED, send(allowed.udp(new byte[] {4, 5, 6})));
        assertEquals(List.of("tunnel-30 drop", "(default) accept"), decisions);
    }

    @Test
    void rejectInsideATunnelIsADrop() {
        TestPackets c = client(SITE_A.key(5));
        send(c.tcp(1000, TestPackets.SYN, ""));
        assertEquals(PacketVerdict.DROPPED, send(c.tcp(1001, TestPackets.ACK | TestPackets.PSH, get("reject.example.org"))));
        assertEquals(PacketVerdict.DROPPED, send(c.tcp(1100, TestPackets.ACK, "x")));
        assertEquals(List.of("rejected reject"), decisions);
        assertEquals(1, counters.get(Counter.DECIDED_REJECT));
    }

    @Test
    void markGoesOnTheDecidingPacketAndEveryLaterOneOfTheFlowAndItsReplies() {
        TestPackets c = client(SITE_A.key(5));
        send(c.tcp(1000, TestPackets.SYN, ""));
        long marked = PacketVerdict.encode(PacketVerdict.ACCEPT, 0x6);
        String video = get("video.example.org");
        assertEquals(marked, send(c.tcp(1001, TestPackets.ACK | TestPackets.PSH, video)));
        TestPackets s = server(GreTunnel.between("192.0.2.254", "192.0.2.1").key(5));
        assertEquals(marked, send(s.tcp(5000, TestPackets.ACK, "HTTP/1.1 200 OK\r\n")), "the reply too");
        assertEquals(PacketVerdict.encode(PacketVerdict.ACCEPT, 0x100006), send(c.tcp(1001 + video.length(),
                TestPackets.ACK | TestPackets.PSH, get("www.example.org")), 0x100001),
                "a later accept on the keep-alive connection keeps the mark, as the connmark would; bits outside"
                        + " the mark mask are kept");
        assertEquals(List.of("video mark", "(default) accept"), decisions);
    }

    @Test
    void repliesOfAnAcceptedInnerFlowAreAcceptedNotInspected() {
        TestPackets c = client(SITE_A.key(22));
        send(c.tcp(1000, TestPackets.SYN, ""));
        TestPackets s = server(GreTunnel.between("192.0.2.254", "192.0.2.1").key(22));
        assertEquals(PacketVerdict.ACCEPTED, send(s.tcp(5000, TestPackets.SYN | TestPackets.ACK, "")));
        send(c.tcp(1001, TestPackets.ACK | TestPackets.PSH, get("www.example.org")));
        assertEquals(PacketVerdict.ACCEPTED, send(s.tcp(5001, TestPackets.ACK | TestPackets.PSH, "HTTP/1.1 200 OK\r\n")));
        assertEquals(List.of("(default) accept"), decisions);
        assertEquals(1, counters.get(Counter.FLOWS), "a reply opens no flow");
    }

    @Test
    void aWrongGreChecksumIsNotReadAndTheGoodCopyDecides() {
        GreTunnel t = SITE_A.checksum().key(22);
        TestPackets c = client(t);
        send(c.tcp(1000, TestPackets.SYN, ""));
        c.tcp(1001, TestPackets.ACK | TestPackets.PSH, get("blocked.example.org"));
        int greChecksum = c.offset + 20 + 4;
        c.buf.put(greChecksum, (byte) (c.buf.get(greChecksum) ^ 0x01));
        assertEquals(PacketVerdict.ACCEPTED, send(c), "the tunnel endpoint discards it unread");
        assertEquals(1, counters.get(Counter.BAD_CHECKSUMS));
        assertEquals(PacketVerdict.DROPPED, send(c.tcp(1001, TestPackets.ACK | TestPackets.PSH, get("blocked.example.org"))));
    }

    @Test
    void aBlockCutsATunnelledFlowAcceptedForGoodInTheDaemonNotInTheKernel() {
        TestPackets c = client(SITE_A.key(23));
        send(c.tcp(1000, TestPackets.SYN, ""));
        // Not HTTP: decided for good at once (a keep-alive HTTP flow would meet the block at its next request).
        assertEquals(PacketVerdict.ACCEPTED, send(c.tcp(1001, TestPackets.ACK | TestPackets.PSH, "\u0001\u0002 not http\r\n\r\n")));
        List<String> kernelCuts = new ArrayList<>();
        int cut = recording.engine.cutBlockedFlows(
                org.nfqwall.rules.BlockSet.of(List.of(org.nfqwall.rules.Block.create(1, "10.0.0.2", null, null,
                        System.currentTimeMillis() + 60_000, "test"))),
                System.currentTimeMillis(), (sHi, sLo, dHi, dLo, proto, sport, dport, b) -> kernelCuts.add(sport + ""));
        assertEquals(1, cut);
        assertEquals(List.of(), kernelCuts, "no conntrack entry of its own to cut");
        assertEquals(PacketVerdict.DROPPED, send(c.tcp(1100, TestPackets.ACK, "more")));
    }

    @Test
    void greThatIsNotLookedIntoIsAcceptedAndCounted() {
        send(client(SITE_A.rawBits(1).key(1).protocolType(0x880B)).tcp(1000, TestPackets.SYN, ""));
        send(client(SITE_A.key(22).protocolType(0x6558)).tcp(1000, TestPackets.SYN, ""));
        assertEquals(2, counters.get(Counter.GRE_NOT_INSPECTED));
        assertEquals(0, counters.get(Counter.GRE_PACKETS));
    }

    @Test
    void malformedGreIsCountedMalformedAndAccepted() {
        assertEquals(PacketVerdict.ACCEPTED, send(client(SITE_A.rawBits(GreTunnel.FLAG_ROUTING).key(22))
                .tcp(1001, TestPackets.ACK | TestPackets.PSH, get("blocked.example.org"))));
        assertEquals(1, counters.get(Counter.MALFORMED));
        assertEquals(List.of(), decisions);
    }
}
