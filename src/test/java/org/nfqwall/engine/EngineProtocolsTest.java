package org.nfqwall.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.nfqwall.inspect.quic.ClientHellos;
import org.nfqwall.inspect.quic.QuicInitialBuilder;
import org.nfqwall.rules.MarkBits;
import org.nfqwall.stats.Counter;
import org.nfqwall.stats.Counters;

/** TLS, QUIC and BitTorrent through the engine, and flows that leave the queue once decided. */
class EngineProtocolsTest {
    private static final String RULES = """
            default: accept
            marks:
              slow: 0x9
            rules:
              - name: app2
                host: "*.example.com"
                path: "/APP2*"
                verdict: drop
              - name: blocked
                host: ["blocked.example.org", "*.blocked.example.org"]
                verdict: drop
              - name: h2-only
                host: h2.example.net
                alpn: h2
                verdict: reject
              - name: shaped
                host: video.example.org
                verdict: {mark: slow}
              - name: no-sni
                tls: {sni: none}
                dport: 8443
                verdict: drop
              - name: ech
                tls: {ech: true}
                verdict: {mark: 0x5}
              - name: torrents
                protocol: bittorrent
                verdict: drop
              - name: quic-elsewhere
                protocol: quic
                dport: 4443
                verdict: drop
            """;

    private final RecordingEngine recording = new RecordingEngine(RULES);
    private final Counters counters = recording.counters;
    private final List<String> decisions = recording.decisions;

    private long send(TestPackets p) {
        return recording.send(p, 0);
    }

    /** One TLS handshake record around {@code handshake}. */
    static byte[] record(byte[] handshake) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x16);
        out.write(0x03);
        out.write(0x01);
        out.write(handshake.length >> 8);
        out.write(handshake.length);
        out.writeBytes(handshake);
        return out.toByteArray();
    }

    private static byte[] hello(String sni, String... alpn) {
        return record(ClientHellos.tls13(sni, List.of(alpn), 0));
    }

    private static boolean dropped(long v) {
        return PacketVerdict.action(v) == PacketVerdict.REPEAT && (PacketVerdict.mark(v) & MarkBits.DROP) != 0;
    }

    private static boolean offloaded(long v) {
        return PacketVerdict.action(v) == PacketVerdict.REPEAT && (PacketVerdict.mark(v) & MarkBits.OFFLOAD) != 0;
    }

    private long tls(int sport, int dport, byte[] stream, int pieces) {
        TestPackets c = new TestPackets("10.99.1.2", "10.99.2.2", sport, dport);
        send(c.tcp(5000, TestPackets.SYN, ""));
        long last = 0;
        for (int i = 0; i < pieces; i++) {
            int from = stream.length * i / pieces;
            int to = stream.length * (i + 1) / pieces;
            byte[] piece = java.util.Arrays.copyOfRange(stream, from, to);
            last = send(c.tcp(5001 + from, TestPackets.ACK, piece));
            if (i < pieces - 1) {
                assertEquals(PacketVerdict.ACCEPTED, last, "piece " + i + " completes nothing");
            }
        }
        return last;
    }

    @Test
    void blocksSniByWildcardAndAcceptsTheRestOutOfTheQueue() {
        assertTrue(dropped(tls(41000, 443, hello("cdn.blocked.example.org"), 1)));
        assertTrue(offloaded(tls(41001, 443, hello("www.example.com"), 1)));
        assertEquals(List.of("blocked drop", "(default) accept"), decisions);
        assertEquals(2, counters.get(Counter.TLS_HELLOS));
    }

    @Test
    void sniIsNormalisedLikeAnHttpHost() {
        assertTrue(dropped(tls(41002, 443, hello("BLOCKED.Example.ORG."), 1)));
    }

    @Test
    void readsAClientHelloSplitAcrossSegmentsAndRecords() {
        byte[] handshake = ClientHellos.tls13("blocked.example.org", List.of("h2"), 3000);
        ByteArrayOutputStream twoRecords = new ByteArrayOutputStream();
        twoRecords.writeBytes(record(java.util.Arrays.copyOfRange(handshake, 0, 1000)));
        twoRecords.writeBytes(record(java.util.Arrays.copyOfRange(handshake, 1000, handshake.length)));
        assertTrue(dropped(tls(41003, 443, twoRecords.toByteArray(), 4)));
    }

    @Test
    void alpnAndMarksApply() {
        long v = tls(41004, 443, hello("h2.example.net", "h2", "http/1.1"), 1);
        assertEquals(MarkBits.VERDICT | MarkBits.REJECT, PacketVerdict.mark(v));
        assertTrue(offloaded(tls(41005, 443, hello("h2.example.net", "http/1.1"), 1)));
        long marked = tls(41006, 443, hello("video.example.org"), 1);
        assertEquals(MarkBits.VERDICT | MarkBits.OFFLOAD | 0x9, PacketVerdict.mark(marked));
    }

    @Test
    void helloWithoutSniIsAFactRulesMatch() {
        assertTrue(dropped(tls(41007, 8443, hello(null), 1)));
        assertTrue(offloaded(tls(41008, 443, hello(null), 1)));
        assertEquals(List.of("no-sni drop", "(default) accept"), decisions);
    }

    @Test
    void bitTorrentIsRecognisedOnAnyPort() {
        byte[] handshake = new byte[68];
        handshake[0] = 19;
        System.arraycopy("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII), 0, handshake, 1, 19);
        assertTrue(dropped(tls(41009, 51413, handshake, 1)));
        assertEquals(List.of("torrents drop"), decisions);
    }

    @Test
    void httpStaysUnderInspectionWhileOtherFlowsLeaveTheQueue() {
        TestPackets c = new TestPackets("10.99.1.2", "10.99.2.2", 41010, 8080);
        send(c.tcp(1000, TestPackets.SYN, ""));
        String req = "GET /ok HTTP/1.1\r\nHost: www.example.com\r\n\r\n";
        assertEquals(PacketVerdict.ACCEPTED, send(c.tcp(1001, TestPackets.ACK, req)));
        assertTrue(dropped(send(c.tcp(1001 + req.length(), TestPackets.ACK,
                "GET /APP2/x HTTP/1.1\r\nHost: www.example.com\r\n\r\n"))));
    }

    @Test
    void quicInitialSniIsMatched() {
        byte[] dcid = {1, 2, 3, 4, 5, 6, 7, 8};
        List<byte[]> datagrams = new QuicInitialBuilder(QuicInitialBuilder.V1, dcid)
                .datagrams(ClientHellos.tls13("www.blocked.example.org", List.of("h3"), 1500), 2);
        TestPackets c = new TestPackets("10.99.1.2", "10.99.2.2", 41011, 443);
        assertEquals(PacketVerdict.ACCEPTED, send(c.udp(datagrams.get(0))));
        assertTrue(dropped(send(c.udp(datagrams.get(1)))));
        assertEquals(PacketVerdict.DROPPED, send(c.udp(new byte[] {0x40, 1, 2, 3})));
        assertEquals(1, counters.get(Counter.QUIC_HELLOS));
    }

    @Test
    void quicVersion2IsReadToo() {
        byte[] dcid = {9, 8, 7, 6, 5, 4, 3, 2};
        byte[] d = new QuicInitialBuilder(QuicInitialBuilder.V2, dcid)
                .datagram(ClientHellos.tls13("blocked.example.org", List.of("h3"), 0));
        assertTrue(dropped(send(new TestPackets("fd99:1::2", "fd99:2::2", 41012, 443).udp(d))));
    }

    @Test
    void unreadableQuicIsDroppedOnlyWhereTheRulesDropQuic() {
        byte[] forged = new byte[1200];
        forged[0] = (byte) 0xc0;
        forged[4] = 1; // version 1
        forged[5] = 8; // DCID length, then garbage that does not authenticate
        TestPackets elsewhere = new TestPackets("10.99.1.2", "10.99.2.2", 41013, 4443);
        assertTrue(dropped(send(elsewhere.udp(forged))));
        TestPackets web = new TestPackets("10.99.1.2", "10.99.2.2", 41014, 443);
        assertEquals(PacketVerdict.ACCEPTED, send(web.udp(forged)), "one unreadable Initial decides nothing");
        assertEquals(List.of("quic-elsewhere drop"), decisions);
    }

    @Test
    void otherUdpIsDecidedAtItsFirstDatagram() {
        TestPackets dns = new TestPackets("10.99.1.2", "10.99.2.2", 41015, 53);
        assertTrue(offloaded(send(dns.udp(new byte[] {0, 1, 2, 3}))));
    }

    @Test
    void eachFlowLeavesTheQueueWithItsDecisionAndAddressRulesDecideAtTheSyn() {
        Engine e = new Engine(EngineConfig.defaults(), new AtomicReference<>(EngineTest.load("""
                rules:
                  - name: backups
                    dst: 10.99.2.0/24
                    dport: 873
                    verdict: accept
                """)), counters, DecisionListener.NONE);
        TestPackets c = new TestPackets("10.99.1.2", "10.99.2.2", 41016, 873);
        c.tcp(1, TestPackets.SYN, "");
        assertTrue(offloaded(e.onPacket(c.buf, c.offset, c.length, 0, 1)));
    }
}
