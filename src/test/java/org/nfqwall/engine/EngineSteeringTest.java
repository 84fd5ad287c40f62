package org.nfqwall.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.nfqwall.inspect.dns.DnsFixtures;
import org.nfqwall.inspect.quic.ClientHellos;
import org.nfqwall.rules.Addresses;
import org.nfqwall.rules.BlockSet;
import org.nfqwall.rules.Facts;
import org.nfqwall.rules.MarkBits;
import org.nfqwall.rules.Rule;
import org.nfqwall.rules.Verdict;
import org.nfqwall.stats.Counter;
import org.nfqwall.stats.Counters;
import org.nfqwall.stats.RuleCounters;

/**
 * Steering in the engine, with a fake set adder: decisions by steering rules fill the mark's set
 * and keep routing marks off live connections; DNS answers from port 53 fill the sets and are
 * accepted, without a flow.
 */
class EngineSteeringTest {
    static final String RULES = """
            marks:
              vpn: {value: 0x10, table: 100, via: 10.8.0.1, steer: {timeout: 10m}}
              slow: {value: 0x20, shape: {rate: 2mbit}, steer: {timeout: 1h}}
              plain: 0x30
              lab: {value: 0x40, table: 101, steer: false}
            rules:
              - name: via-vpn
                host: ["*.shop.test", "www.example.com"]
                verdict: {mark: vpn}
              - name: cdn-edge
                host: edge.cdn.test
                verdict: {mark: vpn}
              - name: slowed
                host: video.test
                verdict: {mark: slow}
              - name: plain
                host: plain.test
                verdict: {mark: plain}
              - name: lab
                host: lab.test
                verdict: {mark: lab}
              - name: many
                host: many.test
                verdict: {mark: slow}
            """;

    /** What the fake adder was asked: "MARK v4|v6 ADDRESS TIMEOUT". */
    private final List<String> adds = new ArrayList<>();
    private int addResult = SteeringAdder.ADDED;
    private final List<String> decisions = new ArrayList<>();
    private final Counters counters = new Counters();
    private final Engine engine = new Engine(EngineConfig.defaults(), new AtomicReference<>(EngineTest.load(RULES)),
            new AtomicReference<>(BlockSet.EMPTY), counters, new RuleCounters(), new DecisionListener() {
                @Override
                public void decided(Facts f, Rule rule, Verdict verdict, int mark) {
                    throw new AssertionError("the engine calls the steering form");
                }

                @Override
                public void decided(Facts f, Rule rule, Verdict verdict, int mark, Steered steered) {
                    decisions.add(rule.name() + " " + steered);
                }
            }, (mark, ipv6, hi, lo, timeout) -> {
                adds.add("0x" + Integer.toHexString(mark) + " " + (ipv6 ? "v6 " : "v4 ") + Addresses.format(hi, lo) + " " + timeout);
                return addResult;
            });
    private long now = 1;

    private long send(TestPackets p, int mark) {
        return engine.onPacket(p.buf, p.offset, p.length, mark, now++);
    }

    /** The verdict of an HTTP request for {@code host} on a new flow whose packets carry {@code mark}. */
    private long request(String host, int mark) {
        lastPort = 40000 + (int) now;
        TestPackets c = new TestPackets("10.99.1.2", "10.99.2.2", lastPort, 80);
        send(c.tcp(1000, TestPackets.SYN, ""), mark);
        String head = "GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n";
        lastRequestLength = head.length();
        return send(c.tcp(1001, TestPackets.ACK | TestPackets.PSH, head), mark);
    }

    /** The client port and request length of the last {@link #request}, to send more on its flow. */
    private int lastPort;
    private int lastRequestLength;

    @Test
    void aRoutingMarkIsNotPutOnALiveConnectionButItsAddressIsRemembered() {
        long v = request("www.example.com", 0);
        assertEquals(PacketVerdict.ACCEPTED, v, "accepted unmarked: " + PacketVerdict.describe(v));
        assertEquals(List.of("0x10 v4 10.99.2.2 600"), adds);
        assertEquals(List.of("via-vpn NEXT"), decisions);
        assertEquals(1, counters.get(Counter.STEER_DEFERRED));
        assertEquals(1, counters.get(Counter.STEER_ADDED));
        assertEquals(1, counters.get(Counter.DECIDED_MARK));
    }

    @Test
    void aConnectionSteeredFromItsSynKeepsTheMark() {
        long v = request("a.shop.test", 0x10);
        assertEquals(PacketVerdict.REPEAT, PacketVerdict.action(v));
        assertEquals(MarkBits.VERDICT | 0x10, PacketVerdict.mark(v));
        assertEquals(List.of("via-vpn NOW"), decisions);
        assertEquals(List.of("0x10 v4 10.99.2.2 600"), adds, "the timeout is renewed");
        assertEquals(0, counters.get(Counter.STEER_DEFERRED));
    }

    @Test
    void aShapingMarkIsAppliedAtOnceAndItsAddressRemembered() {
        long v = request("video.test", 0);
        assertEquals(MarkBits.VERDICT | 0x20, PacketVerdict.mark(v));
        assertEquals(List.of("slowed NOW"), decisions);
        assertEquals(List.of("0x20 v4 10.99.2.2 3600"), adds);
    }

    @Test
    void noMarkIsPutOverTheRoutingMarkALiveConnectionCarries() {
        long v = request("video.test", 0x10);
        assertEquals(PacketVerdict.ACCEPTED, v, PacketVerdict.describe(v));
        assertEquals(List.of("slowed NEXT"), decisions);
    }

    @Test
    void aLatePacketOfAMarkedConnectionGetsTheMarkToo() {
        request("video.test", 0);
        TestPackets c = new TestPackets("10.99.1.2", "10.99.2.2", lastPort, 80);
        // The next segment, queued before the connmark had the mark: handed back with it.
        long late = send(c.tcp(1001 + lastRequestLength, TestPackets.ACK, "x"), 0);
        assertEquals(PacketVerdict.REPEAT, PacketVerdict.action(late), PacketVerdict.describe(late));
        assertEquals(MarkBits.VERDICT | 0x20, PacketVerdict.mark(late));
        // One that carries it already (restored from the connmark) is simply accepted.
        assertEquals(PacketVerdict.ACCEPTED, send(c.tcp(1002 + lastRequestLength, TestPackets.ACK, "y"), 0x20));
    }

    @Test
    void aLatePacketOfAConnectionLeftUnroutedStaysUnmarked() {
        request("www.example.com", 0);
        TestPackets c = new TestPackets("10.99.1.2", "10.99.2.2", lastPort, 80);
        assertEquals(PacketVerdict.ACCEPTED, send(c.tcp(1001 + lastRequestLength, TestPackets.ACK, "x"), 0));
    }

    @Test
    void aPlainMarkIsNeitherRememberedNorHeldBack() {
        long v = request("plain.test", 0);
        assertEquals(MarkBits.VERDICT | 0x30, PacketVerdict.mark(v));
        assertEquals(List.of("plain NONE"), decisions);
        assertEquals(List.of(), adds);
    }

    @Test
    void aRoutingMarkThatDoesNotSteerIsStillKeptOffLiveConnections() {
        assertEquals(PacketVerdict.ACCEPTED, request("lab.test", 0));
        assertEquals(List.of("lab NEXT"), decisions);
        assertEquals(List.of(), adds);
    }

    @Test
    void aFinalDecisionForADeferredMarkOffloadsTheFlowUnmarked() {
        TestPackets c = new TestPackets("10.99.1.2", "10.99.2.2", 41000, 443);
        send(c.tcp(1000, TestPackets.SYN, ""), 0);
        long v = send(c.tcp(1001, TestPackets.ACK | TestPackets.PSH,
                EngineProtocolsTest.record(ClientHellos.tls13("www.example.com", List.of(), 0))), 0);
        assertEquals(PacketVerdict.encode(PacketVerdict.REPEAT, MarkBits.VERDICT | MarkBits.OFFLOAD), v, PacketVerdict.describe(v));
        assertEquals(List.of("0x10 v4 10.99.2.2 600"), adds);
    }

    @Test
    void anIpv6ServerGoesIntoTheIpv6Set() {
        TestPackets c = new TestPackets("fd00:1::2", "fd00:2::2", 40500, 80);
        send(c.tcp(1000, TestPackets.SYN, ""), 0);
        send(c.tcp(1001, TestPackets.ACK | TestPackets.PSH, "GET / HTTP/1.1\r\nHost: www.example.com\r\n\r\n"), 0);
        assertEquals(List.of("0x10 v6 fd00:2::2 600"), adds);
    }

    @Test
    void refusedAddsAreCountedByReason() {
        addResult = SteeringAdder.NO_SUCH_SET;
        request("video.test", 0);
        addResult = SteeringAdder.SET_FULL;
        request("video.test", 0);
        addResult = SteeringAdder.FAILED;
        request("video.test", 0);
        assertEquals(1, counters.get(Counter.STEER_SET_MISSING));
        assertEquals(1, counters.get(Counter.STEER_SET_FULL));
        assertEquals(1, counters.get(Counter.STEER_ADD_FAILED));
        assertEquals(0, counters.get(Counter.STEER_ADDED));
    }

    private long dns(String hex) {
        TestPackets answer = new TestPackets("10.53.0.1", "10.99.1.2", 53, 35353);
        return send(answer.udp(HexFormat.of().parseHex(hex)), 0);
    }

    @Test
    void aDnsAnswerForASteeredHostFillsTheSetAndIsAcceptedWithoutAFlow() {
        assertEquals(PacketVerdict.ACCEPTED, dns(DnsFixtures.A));
        assertEquals(List.of("0x10 v4 93.184.216.34 600", "0x10 v4 93.184.216.35 600"), adds);
        assertEquals(0, engine.flowCount(), "a DNS answer takes no flow-table slot");
        assertEquals(0, counters.get(Counter.FLOWS));
        assertEquals(List.of(), decisions, "a DNS answer is no decision");
        assertEquals(1, counters.get(Counter.DNS_RESPONSES));
        assertEquals(2, counters.get(Counter.DNS_STEERED_ADDRESSES));
    }

    @Test
    void aDnsAnswerIsSteeredByANameOfItsCnameChain() {
        dns(DnsFixtures.CNAME);
        // www.shop.test matches via-vpn first; the address at the chain's end goes to its set, other.test's does not.
        assertEquals(List.of("0x10 v4 10.9.9.9 600"), adds);
    }

    @Test
    void aDnsAnswerAddsAtMostTheCapAndCountsTheRest() {
        dns(DnsFixtures.MANY);
        assertEquals(Steering.MAX_DNS_ADDRESSES, adds.size());
        // 32 records read, 16 added, 16 over the cap, 8 never read.
        assertEquals(16 + 8, counters.get(Counter.DNS_ADDRESSES_OVER_CAP));
    }

    @Test
    void dnsAnswersForOtherHostsAddNothing() {
        dns(DnsFixtures.AAAA);
        assertEquals(List.of(), adds);
        assertEquals(1, counters.get(Counter.DNS_RESPONSES));
    }

    @Test
    void whatIsNoDnsResponseIsAcceptedAndCounted() {
        assertEquals(PacketVerdict.ACCEPTED, dns("00"));
        assertEquals(PacketVerdict.ACCEPTED, dns(DnsFixtures.LOOP));
        assertEquals(2, counters.get(Counter.DNS_MALFORMED));
        assertEquals(2, counters.get(Counter.DNS_PACKETS));
        assertEquals(0, engine.flowCount());
        assertEquals(List.of(), adds);
    }

    @Test
    void aDnsAnswerDoesNotPushARealFlowOut() {
        request("plain.test", 0);
        int flows = engine.flowCount();
        for (int i = 0; i < 100; i++) {
            dns(DnsFixtures.A);
        }
        assertEquals(flows, engine.flowCount());
        assertEquals(0, engine.flowEvictions());
    }

    @Test
    void aSteeringDecisionAllocatesNothing() {
        org.nfqwall.rules.RuleSet rs = EngineTest.load(RULES);
        Steering steering = new Steering((mark, ipv6, hi, lo, timeout) -> SteeringAdder.ADDED, new Counters());
        Facts f = new Facts();
        f.ipVersion = 4;
        f.setDestinationIpv4(0x0A000001);
        long allocated = org.nfqwall.testing.Allocations.leastPerRound(() -> {
            for (int i = 0; i < 10_000; i++) {
                steering.decided(rs, 0, f, i & 0x10);
                steering.decided(rs, 2, f, 0);
            }
        });
        assertEquals(0, allocated);
    }
}
