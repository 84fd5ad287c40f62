package org.nfqwall.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nfqwall.rules.MarkBits;
import org.nfqwall.stats.Counter;
import org.nfqwall.stats.Counters;

/**
 * Packets the queue cut to its copy range (GSO/GRO super-packets, with NFQA_CAP_LEN) and packets
 * whose checksum a sender's offload has not filled in yet (NFQA_SKB_CSUMNOTREADY).
 */
class EngineTruncationTest {
    private static final String RULES = """
            default: accept
            marks:
              shaped: 0x6
            rules:
              - name: app1
                path: "/APP1*"
                verdict: accept
              - name: app2
                path: "/APP2*"
                verdict: drop
              - name: video
                host: video.example.org
                verdict: {mark: shaped}
            """;
    /** IPv4 and TCP headers of a {@link TestPackets} segment. */
    private static final int HEADERS = 40;

    private final RecordingEngine recording = new RecordingEngine(RULES);
    private final Counters counters = recording.counters;
    private final List<String> decisions = recording.decisions;

    private long send(TestPackets p) {
        return recording.send(p, 0);
    }

    /** Sends {@code p} as the queue delivers a GSO packet cut after {@code payloadCaptured} payload bytes. */
    private long sendCut(TestPackets p, int payloadCaptured) {
        return recording.send(p, HEADERS + payloadCaptured, Engine.SKB_GSO);
    }

    private static TestPackets open(int sport) {
        TestPackets c = new TestPackets("10.99.1.2", "10.99.2.2", sport, 80);
        c.tcp(1000, TestPackets.SYN, "");
        return c;
    }

    private TestPackets connected(int sport) {
        TestPackets c = open(sport);
        assertEquals(PacketVerdict.ACCEPTED, send(c));
        return c;
    }

    private static String get(String host, String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n";
    }

    private static boolean isFlowDrop(long v) {
        return PacketVerdict.action(v) == PacketVerdict.REPEAT && (PacketVerdict.mark(v) & MarkBits.DROP) != 0;
    }

    @Test
    void checksumNotReadyIsNotVerified() {
        TestPackets c = connected(42000);
        c.tcp(1001, TestPackets.ACK, get("www.example.com", "/APP2/offloaded"));
        // What an offloading sender leaves in the field: not the checksum (here: its complement).
        int checksum = c.offset + 20 + 16;
        c.buf.putShort(checksum, (short) ~c.buf.getShort(checksum));
        long v = recording.send(c, c.length, Engine.SKB_CSUM_NOT_READY);
        assertTrue(isFlowDrop(v), PacketVerdict.describe(v));
        assertEquals(0, counters.get(Counter.BAD_CHECKSUMS));
        assertEquals(List.of("app2 drop"), decisions);

        TestPackets same = connected(42010);
        same.tcp(1001, TestPackets.ACK, get("www.example.com", "/APP2/offloaded"));
        same.buf.putShort(checksum, (short) ~same.buf.getShort(checksum));
        assertEquals(PacketVerdict.ACCEPTED, send(same), "without the flag the same field is a bad checksum");
        assertEquals(1, counters.get(Counter.BAD_CHECKSUMS));
    }

    @Test
    void cutOffPipelinedHeadDropsThatPacketOnlyAndTheRetransmissionIsJudged() {
        TestPackets c = connected(42001);
        String first = get("www.example.com", "/APP1/ok");
        String both = first + get("www.example.com", "/APP2/hidden");
        c.tcp(1001, TestPackets.ACK, both);
        assertEquals(PacketVerdict.DROPPED, sendCut(c, first.length() + 5));
        assertEquals(1, counters.get(Counter.TRUNCATED_DROPPED));
        assertEquals(1, counters.get(Counter.GSO_PACKETS));
        assertEquals(List.of("app1 accept"), decisions);

        // The client resends from the first lost byte in MSS-sized segments; the first part is old.
        assertEquals(PacketVerdict.ACCEPTED, send(c.tcp(1001, TestPackets.ACK, both.substring(0, 40))));
        assertTrue(isFlowDrop(send(c.tcp(1041, TestPackets.ACK, both.substring(40)))));
        assertEquals(List.of("app1 accept", "app2 drop"), decisions);
    }

    @Test
    void cutOffBodyBytesArePassedOverAndTheStreamStaysInStep() {
        TestPackets c = connected(42002);
        String post = "POST /APP1/up HTTP/1.1\r\nHost: www.example.com\r\nContent-Length: 5000\r\n\r\n";
        String segment = post + "b".repeat(5000);
        assertEquals(PacketVerdict.ACCEPTED, sendCut(c.tcp(1001, TestPackets.ACK, segment), post.length() + 100));
        assertEquals(0, counters.get(Counter.TRUNCATED_DROPPED));
        long next = 1001 + segment.length();
        assertTrue(isFlowDrop(send(c.tcp(next, TestPackets.ACK, get("www.example.com", "/APP2/after")))));
        assertEquals(List.of("app1 accept", "app2 drop"), decisions);
    }

    @Test
    void cutOffBytesPastTheEndOfTheBodyAreNeeded() {
        TestPackets c = connected(42003);
        String post = "POST /APP1/up HTTP/1.1\r\nHost: www.example.com\r\nContent-Length: 100\r\n\r\n";
        String segment = post + "b".repeat(100) + get("www.example.com", "/APP2/smuggled");
        assertEquals(PacketVerdict.DROPPED, sendCut(c.tcp(1001, TestPackets.ACK, segment), post.length() + 50));
        assertEquals(1, counters.get(Counter.TRUNCATED_DROPPED));
        assertTrue(isFlowDrop(send(c.tcp(1001, TestPackets.ACK, segment))), "the resent whole segment is judged");
    }

    @Test
    void cutSegmentWhoseCapturedPartCompletesABlockedHeadDropsTheFlow() {
        TestPackets c = connected(42004);
        String head = get("www.example.com", "/APP2/x");
        assertTrue(isFlowDrop(sendCut(c.tcp(1001, TestPackets.ACK, head + "z".repeat(3000)), head.length())));
        assertEquals(0, counters.get(Counter.TRUNCATED_DROPPED));
    }

    @Test
    void cutHeadOfANewStreamIsNeeded() {
        TestPackets c = connected(42005);
        String head = "GET /x HTTP/1.1\r\nHost: www.example.com\r\nX: " + "a".repeat(3000) + "\r\n\r\n";
        assertEquals(PacketVerdict.DROPPED, sendCut(c.tcp(1001, TestPackets.ACK, head), 1000));
        assertEquals(1, counters.get(Counter.TRUNCATED_DROPPED));
        assertTrue(decisions.isEmpty());
    }

    @Test
    void cutPacketOfADecidedFlowIsAcceptedAsItIs() {
        TestPackets c = connected(42006);
        // Not HTTP: decided for good as protocol unknown (default accept), moved out of the queue.
        long first = send(c.tcp(1001, TestPackets.ACK, "\u0001\u0002\u0003 not http\r\n\r\n"));
        assertEquals(PacketVerdict.REPEAT, PacketVerdict.action(first));
        assertEquals(PacketVerdict.ACCEPTED, sendCut(c.tcp(1100, TestPackets.ACK, "x".repeat(4000)), 100));
        assertEquals(0, counters.get(Counter.TRUNCATED_DROPPED));
    }

    @Test
    void markOfADroppedCutPacketGoesToTheResentSegment() {
        TestPackets c = connected(42007);
        String first = get("video.example.org", "/movie");
        String both = first + get("www.example.com", "/APP1/next");
        assertEquals(PacketVerdict.DROPPED, sendCut(c.tcp(1001, TestPackets.ACK, both), first.length() + 3));
        assertEquals(List.of("video mark"), decisions);
        long resent = send(c.tcp(1001, TestPackets.ACK, first));
        assertEquals(PacketVerdict.REPEAT, PacketVerdict.action(resent));
        assertEquals(MarkBits.VERDICT | 0x6, PacketVerdict.mark(resent));
        // Sent without the mark the connmark restore would give it: handed back with the mark.
        long next = send(c.tcp(1001 + first.length(), TestPackets.ACK, both.substring(first.length())));
        assertEquals(PacketVerdict.REPEAT, PacketVerdict.action(next));
        assertEquals(MarkBits.VERDICT | 0x6, PacketVerdict.mark(next));
        assertEquals(List.of("video mark", "app1 accept"), decisions);
    }

    @Test
    void cutDatagramOfAFlowUnderInspectionIsDropped() {
        TestPackets u = new TestPackets("10.99.1.2", "10.99.2.2", 42008, 80);
        u.udp(new byte[3000]);
        long v = recording.send(u, 28 + 1000, Engine.SKB_GSO);
        assertEquals(PacketVerdict.DROPPED, v);
        assertEquals(1, counters.get(Counter.TRUNCATED_DROPPED));
    }

    @Test
    void bytesCountTheWholePacketOnTheWire() {
        TestPackets c = connected(42009);
        long before = counters.get(Counter.BYTES);
        String post = "POST /APP1/up HTTP/1.1\r\nHost: www.example.com\r\nContent-Length: 5000\r\n\r\n";
        sendCut(c.tcp(1001, TestPackets.ACK, post + "b".repeat(5000)), post.length());
        assertEquals(HEADERS + post.length() + 5000, counters.get(Counter.BYTES) - before);
    }
}
