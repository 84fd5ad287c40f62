package org.nfqwall.nfq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.nfqwall.engine.Engine;
import org.nfqwall.engine.EngineConfig;
import org.nfqwall.engine.PacketVerdict;
import org.nfqwall.engine.TestPackets;
import org.nfqwall.testing.GreTunnel;
import org.nfqwall.rules.RuleLoadResult;
import org.nfqwall.rules.RulesLoader;
import org.nfqwall.stats.Counter;
import org.nfqwall.stats.Counters;
import org.nfqwall.testing.Allocations;

/**
 * The whole per-packet path allocates nothing: netlink datagrams laid in a {@link PacketBatch}'s
 * slots as recvmmsg leaves them, parsed by {@link NfqMessageParser}, decided by the
 * {@link Engine} and answered through a {@link VerdictWriter}, as the queue worker does, over
 * 100,000 packets a round (the thread's allocation counter, least of the rounds).
 *
 * <p>The mix is per-packet work only: SYNs and ACKs, heads split across segments that complete
 * nothing (a connection opened and reset each batch), body bytes of a keep-alive flow (whole
 * segments and GSO packets cut to the copy range, both with their checksum not ready), data of
 * flows decided for good (accepted and dropped), UDP of a decided flow, malformed packets and a
 * cut packet whose missing bytes are needed (dropped). Completing a request head allocates in
 * netty by design; that is measured and printed apart, not asserted.
 */
class WholePathAllocationTest {
    private static final int PACKETS = 100_000;
    private static final int REQUESTS = 10_000;
    private static final int COPY_RANGE = 33892;
    private static final String RULES = """
            default: accept
            rules:
              - name: app1
                path: "/APP1*"
                verdict: accept
              - name: app2
                path: "/APP2*"
                verdict: drop
            """;
    private static final String BODY_HEAD = "POST /APP1/upload HTTP/1.1\r\nHost: www.example.com\r\n"
            + "Content-Length: 100000000000\r\n\r\n";
    private static final String REQUEST = "GET /APP1/r HTTP/1.1\r\nHost: www.example.com\r\n\r\n";
    private static final int BODY_SEGMENT = 1400;
    private static final int BODY_GSO = 20000;
    private static final int NOT_READY = PacketBatch.SKB_CSUM_NOT_READY;

    private final Counters counters = new Counters();
    private final Engine engine = new Engine(EngineConfig.defaults(), new AtomicReference<>(rules()), counters,
            (facts, rule, verdict, mark) -> { });
    private final List<String> fixtures = new ArrayList<>();
    private PacketBatch batch;
    private VerdictWriter writer;
    private long now = 1;
    /** Absolute indexes of the sequence numbers patched between batches, and their next values. */
    private int bodySeqAt;
    private int bodyGsoSeqAt;
    private long bodySeq;

    private static org.nfqwall.rules.RuleSet rules() {
        RuleLoadResult r = RulesLoader.parse("test.yaml", RULES);
        assertTrue(r.ok(), () -> r.errors().toString());
        return r.ruleSet();
    }

    @Test
    void skbInfoBitsMeanTheSameToTheBatchAndTheEngine() {
        assertEquals(PacketBatch.SKB_CSUM_NOT_READY, Engine.SKB_CSUM_NOT_READY);
        assertEquals(PacketBatch.SKB_GSO, Engine.SKB_GSO);
    }

    @Test
    void theWholePerPacketPathAllocatesNothing() {
        setUpFlows();
        int[] expected = {
            PacketVerdict.ACCEPT, PacketVerdict.ACCEPT, // SYN retransmitted, pure ACK
            PacketVerdict.ACCEPT, PacketVerdict.ACCEPT, PacketVerdict.ACCEPT, PacketVerdict.ACCEPT, // SYN, 2 parts, RST
            PacketVerdict.ACCEPT, PacketVerdict.ACCEPT, // body: a segment, a cut GSO packet
            PacketVerdict.ACCEPT, PacketVerdict.DROP, PacketVerdict.ACCEPT, // offloaded, dropped flow, UDP
            PacketVerdict.ACCEPT, PacketVerdict.DROP, // malformed, cut packet whose bytes are needed
            PacketVerdict.ACCEPT, PacketVerdict.ACCEPT, PacketVerdict.DROP, // GRE: ACK, its reply, dropped flow
            PacketVerdict.ACCEPT, // GRE: the inner flow of another tunnel, accepted for good
        };
        assertEquals(expected.length, fixtures.size());
        int[] actions = new int[expected.length];
        batchOnce(actions);
        assertEquals(Arrays.toString(expected), Arrays.toString(actions), "what each fixture is");
        int batches = (PACKETS + fixtures.size() - 1) / fixtures.size();
        long truncatedBefore = counters.get(Counter.TRUNCATED_DROPPED);
        long headsBefore = counters.get(Counter.HTTP_REQUESTS);
        long flowsBefore = counters.get(Counter.FLOWS);

        long allocated = Allocations.leastPerRound(() -> {
            for (int n = 0; n < batches; n++) {
                batchOnce(null);
            }
        });

        assertEquals(0, allocated, "bytes allocated over " + batches * fixtures.size() + " packets, least of the rounds");
        assertTrue(counters.get(Counter.TRUNCATED_DROPPED) - truncatedBefore >= batches);
        assertTrue(counters.get(Counter.GSO_PACKETS) >= batches);
        assertTrue(counters.get(Counter.FLOWS) - flowsBefore >= batches, "a split-head connection opened each batch");
        assertEquals(headsBefore, counters.get(Counter.HTTP_REQUESTS), "no head completed on the measured path");
        System.out.printf("WholePathAllocationTest: %d packets a round (%d batches of %d): %d bytes allocated%n",
                batches * fixtures.size(), batches, fixtures.size(), allocated);
    }

    @Test
    void completingARequestHeadAllocatesOnlyInTheDecoder() {
        TestPackets keepAlive = new TestPackets("10.99.1.2", "10.99.2.2", 43100, 80);
        batch = PacketBatch.allocate(1, COPY_RANGE);
        writer = new VerdictWriter(ByteBuffer.allocateDirect(VerdictWriter.VERDICT_WITH_MARK_LENGTH)
                .order(ByteOrder.BIG_ENDIAN), 7);
        deliverOnce(keepAlive.tcp(1000, TestPackets.SYN, ""), 0);
        keepAlive.tcp(1001, TestPackets.ACK | TestPackets.PSH, REQUEST);
        String datagram = message(keepAlive, keepAlive.length, NOT_READY);
        int length = datagram.length() / 2;
        NetlinkFixtures.write(batch.buffer(), batch.slotOffset(0), datagram);
        batch.reset();
        NfqMessageParser.parseDatagram(batch.buffer(), batch.slotOffset(0), length, batch);
        int seqAt = seqIndex(0);
        long[] seq = {1001};
        Runnable requests = () -> {
            for (int n = 0; n < REQUESTS; n++) {
                batch.buffer().putInt(seqAt, (int) seq[0]);
                seq[0] += REQUEST.length();
                batch.reset();
                NfqMessageParser.parseDatagram(batch.buffer(), batch.slotOffset(0), length, batch);
                decide(1, null);
            }
        };
        requests.run();
        long before = counters.get(Counter.HTTP_REQUESTS);
        long allocated = Allocations.leastPerRound(requests);
        assertEquals(REQUESTS, (counters.get(Counter.HTTP_REQUESTS) - before) / Allocations.ROUNDS,
                "every packet completed one head");
        System.out.printf("WholePathAllocationTest: completing a request head allocates %.0f bytes (%d requests, "
                + "least of %d rounds: %d bytes)%n", (double) allocated / REQUESTS, REQUESTS, Allocations.ROUNDS, allocated);
        assertTrue(allocated / REQUESTS < 4096, "about 1.4 KB a head expected, got " + allocated / REQUESTS);
    }

    /** Opens and decides the flows the fixtures need, then lays one datagram per fixture in the batch's slots. */
    private void setUpFlows() {
        TestPackets inspected = flow(43000);
        deliverOnce(inspected.tcp(1000, TestPackets.SYN, ""), 0);
        fixtures.add(message(inspected, inspected.length, 0)); // the SYN again
        fixtures.add(message(inspected.tcp(1001, TestPackets.ACK, ""), 0));

        TestPackets split = flow(43001);
        fixtures.add(message(split.tcp(5000, TestPackets.SYN, ""), 0));
        fixtures.add(message(split.tcp(5001, TestPackets.ACK, "GET /APP1/x HT"), 0));
        fixtures.add(message(split.tcp(5015, TestPackets.ACK, "TP/1.1\r\nHost: www.exa"), 0));
        fixtures.add(message(split.tcp(5037, TestPackets.RST | TestPackets.ACK, ""), 0));

        TestPackets body = flow(43002);
        deliverOnce(body.tcp(7000, TestPackets.SYN, ""), 0);
        deliverOnce(body.tcp(7001, TestPackets.ACK, BODY_HEAD), 0);
        bodySeq = 7001 + BODY_HEAD.length();
        fixtures.add(message(body.tcp(bodySeq, TestPackets.ACK, new byte[BODY_SEGMENT]), NOT_READY));
        body.tcp(bodySeq + BODY_SEGMENT, TestPackets.ACK, new byte[BODY_GSO]);
        fixtures.add(message(body, 40 + 1000, PacketBatch.SKB_GSO | NOT_READY));

        TestPackets offloaded = flow(43003);
        deliverOnce(offloaded.tcp(9000, TestPackets.SYN, ""), 0);
        deliverOnce(offloaded.tcp(9001, TestPackets.ACK, "\u0001\u0002 not http\r\n\r\n"), 0);
        fixtures.add(message(offloaded.tcp(9100, TestPackets.ACK, "more"), 0));

        TestPackets dropped = flow(43004);
        deliverOnce(dropped.tcp(3000, TestPackets.SYN, ""), 0);
        deliverOnce(dropped.tcp(3001, TestPackets.ACK, "GET /APP2/no HTTP/1.1\r\nHost: www.example.com\r\n\r\n"), 0);
        fixtures.add(message(dropped.tcp(3100, TestPackets.ACK, "more"), 0));

        TestPackets udp = flow(43005);
        deliverOnce(udp.udp(new byte[] {1, 2, 3, 4}), 0);
        fixtures.add(message(udp, udp.length, 0));

        TestPackets malformed = flow(43006);
        malformed.tcp(1, TestPackets.SYN, "");
        malformed.buf.put(malformed.offset, (byte) 0x41); // IHL 1
        fixtures.add(message(malformed, malformed.length, 0));

        TestPackets needed = flow(43007);
        deliverOnce(needed.tcp(2000, TestPackets.SYN, ""), 0);
        deliverOnce(needed.tcp(2001, TestPackets.ACK, "GET /x HT"), 0);
        byte[] rest = ("GET /x HTTP/1.1\r\nHost: www.example.com\r\n" + "X: y\r\n".repeat(3000) + "\r\n")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        fixtures.add(message(needed.tcp(2001, TestPackets.ACK, rest), 40 + 9, PacketBatch.SKB_GSO | NOT_READY));

        GreTunnel out = GreTunnel.between("192.0.2.1", "192.0.2.2").checksum().key(22).sequence(1);
        GreTunnel back = GreTunnel.between("192.0.2.2", "192.0.2.1").key(22);
        TestPackets tunnelled = flow(43008).inTunnel(out);
        deliverOnce(tunnelled.tcp(4000, TestPackets.SYN, ""), 0);
        fixtures.add(message(tunnelled.tcp(4001, TestPackets.ACK, ""), 0));
        TestPackets reply = new TestPackets("10.99.2.2", "10.99.1.2", 80, 43008).inTunnel(back);
        fixtures.add(message(reply.tcp(8000, TestPackets.ACK, "HTTP/1.1 200 OK\r\n"), 0));
        TestPackets tunnelDropped = flow(43009).inTunnel(out);
        deliverOnce(tunnelDropped.tcp(6000, TestPackets.SYN, ""), 0);
        deliverOnce(tunnelDropped.tcp(6001, TestPackets.ACK, "GET /APP2/no HTTP/1.1\r\nHost: www.example.com\r\n\r\n"),
                0);
        fixtures.add(message(tunnelDropped.tcp(6100, TestPackets.ACK, "more"), 0));
        TestPackets otherTunnel = flow(43008).inTunnel(GreTunnel.between("192.0.2.3", "192.0.2.2").key(22));
        deliverOnce(otherTunnel.tcp(4000, TestPackets.SYN, ""), 0);
        deliverOnce(otherTunnel.tcp(4001, TestPackets.ACK, "\u0001\u0002 not http\r\n\r\n"), 0);
        fixtures.add(message(otherTunnel.tcp(4100, TestPackets.ACK, "more"), 0));

        batch = PacketBatch.allocate(fixtures.size(), COPY_RANGE);
        for (int i = 0; i < fixtures.size(); i++) {
            NetlinkFixtures.write(batch.buffer(), batch.slotOffset(i), fixtures.get(i));
        }
        writer = new VerdictWriter(ByteBuffer.allocateDirect(fixtures.size() * VerdictWriter.VERDICT_WITH_MARK_LENGTH)
                .order(ByteOrder.BIG_ENDIAN), 7);
        parseAll();
        bodySeqAt = seqIndex(6);
        bodyGsoSeqAt = seqIndex(7);
    }

    private static TestPackets flow(int sport) {
        return new TestPackets("10.99.1.2", "10.99.2.2", sport, 80);
    }

    /** The datagram for {@code p} whole. */
    private String message(TestPackets p, int skbInfo) {
        return message(p, p.length, skbInfo);
    }

    /** The datagram for {@code p} cut after {@code copied} bytes (NFQA_CAP_LEN the whole length). */
    private String message(TestPackets p, int copied, int skbInfo) {
        byte[] ip = new byte[p.length];
        p.buf.get(p.offset, ip);
        return NetlinkFixtures.packetMessage(7, fixtures.size() + 1, 0, ip, copied, p.length, skbInfo);
    }

    /** Hands {@code p} to the engine directly, once, to set a flow up. */
    private void deliverOnce(TestPackets p, int skbInfo) {
        engine.onPacket(p.buf, p.offset, p.length, p.length, 0, skbInfo, now++);
    }

    private void parseAll() {
        batch.reset();
        for (int slot = 0; slot < fixtures.size(); slot++) {
            NfqMessageParser.parseDatagram(batch.buffer(), batch.slotOffset(slot), fixtures.get(slot).length() / 2, batch);
        }
    }

    /** Index in the batch buffer of the TCP sequence number of packet {@code i} (a 20-byte IPv4 header). */
    private int seqIndex(int i) {
        return batch.payloadOffset(i) + 20 + 4;
    }

    /** One receive's worth: parse every slot, decide every packet, write the verdicts; then move the body on. */
    private void batchOnce(int[] actions) {
        parseAll();
        decide(batch.size(), actions);
        ByteBuffer buf = batch.buffer();
        bodySeq += BODY_SEGMENT + BODY_GSO;
        buf.putInt(bodySeqAt, (int) bodySeq);
        buf.putInt(bodyGsoSeqAt, (int) (bodySeq + BODY_SEGMENT));
    }

    /** What QueueWorker.verdictBatch does with the batch's first {@code n} packets. */
    private void decide(int n, int[] actions) {
        ByteBuffer buf = batch.buffer();
        writer.clear();
        for (int i = 0; i < n; i++) {
            long v = engine.onPacket(buf, batch.payloadOffset(i), batch.payloadLength(i), batch.capturedLength(i),
                    batch.mark(i), batch.skbInfo(i), now++);
            int mark = PacketVerdict.mark(v);
            switch (PacketVerdict.action(v)) {
                case PacketVerdict.DROP -> writer.add(batch.packetId(i), Verdicts.DROP);
                case PacketVerdict.REPEAT -> writer.add(batch.packetId(i), Verdicts.REPEAT, mark);
                default -> writer.add(batch.packetId(i), Verdicts.ACCEPT, mark);
            }
            if (actions != null) {
                actions[i] = PacketVerdict.action(v);
            }
        }
    }
}
