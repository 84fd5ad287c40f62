package org.nfqwall.engine;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;
import org.nfqwall.flow.BufferPool;
import org.nfqwall.flow.FlowTable;
import org.nfqwall.inspect.http.HttpInspector;
import org.nfqwall.inspect.http.HttpRequestHead;
import org.nfqwall.packet.Malformed;
import org.nfqwall.packet.PacketView;
import org.nfqwall.rules.Facts;
import org.nfqwall.rules.HostNames;
import org.nfqwall.rules.MarkBits;
import org.nfqwall.rules.Protocol;
import org.nfqwall.rules.Rule;
import org.nfqwall.rules.RuleSet;
import org.nfqwall.rules.Verdict;
import org.nfqwall.stats.Counter;
import org.nfqwall.stats.Counters;

/**
 * Decides one packet at a time: decodes it, finds its flow, feeds the flow's client bytes to the
 * HTTP inspector, matches the rules and returns a {@link PacketVerdict}.
 *
 * <p>A flow whose fate cannot depend on what it carries (the first rule whose addresses and
 * ports match needs no inspection) is decided at its first packet. Otherwise segments that
 * complete nothing are accepted and their bytes kept; the segment that completes a request head
 * carries that request's decision; a dropped or rejected flow drops everything after it.
 *
 * <p>One engine per queue, used only by that queue's worker thread. The rule set is read through
 * {@code rules} once per decision, so a reload takes effect at the next decision; flows already
 * decided keep their decision. After warm-up the per-packet path allocates nothing; decoding a
 * request head allocates its strings.
 */
public final class Engine {
    private final AtomicReference<RuleSet> rules;
    private final Counters counters;
    private final DecisionListener listener;
    private final boolean verifyChecksums;

    private final PacketView view = new PacketView();
    private final Facts facts = new Facts();
    private final FlowTable table;
    private final BufferPool pool;
    private final FlowState[] flows;
    private final HttpInspector http;
    private final HttpRequestHead head = new HttpRequestHead();
    private final FlowTable.SlotListener releaseSlot;

    public Engine(EngineConfig config, AtomicReference<RuleSet> rules, Counters counters, DecisionListener listener) {
        this.rules = rules;
        this.counters = counters;
        this.listener = listener;
        this.verifyChecksums = config.verifyChecksums();
        this.table = new FlowTable(config.flowCapacity(), config.flowIdleSeconds());
        this.pool = BufferPool.withBudget(config.maxHeadBytes(), config.bufferBudgetBytes());
        this.flows = new FlowState[config.flowCapacity()];
        this.http = new HttpInspector(config.maxHeadBytes());
        this.releaseSlot = slot -> flows[slot].release();
    }

    /**
     * Decides the IP packet at {@code buf[offset, offset+length)} that arrived with packet mark
     * {@code mark}. Never throws for any packet content.
     */
    public long onPacket(ByteBuffer buf, int offset, int length, int mark, long nowNanos) {
        counters.increment(Counter.PACKETS);
        counters.add(Counter.BYTES, length);
        if ((mark & MarkBits.VERDICT) != 0) {
            // Our own verdict came back to the queue: the generated rules that act on it are
            // missing. Answer finally instead of looping; rejects degrade to drops.
            counters.increment(Counter.LOOPED_VERDICTS);
            return (mark & (MarkBits.DROP | MarkBits.REJECT)) != 0 ? PacketVerdict.DROPPED
                    : PacketVerdict.encode(PacketVerdict.ACCEPT, mark & ~MarkBits.RESERVED_MASK);
        }
        if (view.decode(buf, offset, length) != Malformed.NONE) {
            counters.increment(Counter.MALFORMED);
            return PacketVerdict.ACCEPTED;
        }
        if (view.laterFragment) {
            counters.increment(Counter.FRAGMENTS);
            return PacketVerdict.ACCEPTED;
        }
        boolean tcp = view.l4Protocol == PacketView.PROTO_TCP;
        if (!tcp && view.l4Protocol != PacketView.PROTO_UDP) {
            counters.increment(Counter.OTHER_PROTOCOLS);
            return PacketVerdict.ACCEPTED;
        }
        int slot = table.find(view, nowNanos);
        if (slot < 0) {
            if (tcp && !opensFlow()) {
                // A bare ACK, FIN or RST of a flow we do not track: nothing to learn from it.
                return PacketVerdict.ACCEPTED;
            }
            if (view.payloadLength > 0 && badChecksum(buf)) {
                // Garbage the receiver will drop must not take a flow-table slot either.
                return PacketVerdict.ACCEPTED;
            }
            return newFlow(buf, mark, nowNanos, tcp);
        }
        FlowState f = flows[slot];
        long verdict = switch (f.state) {
            case FlowState.DROPPED -> PacketVerdict.DROPPED;
            case FlowState.ACCEPTED -> PacketVerdict.ACCEPTED;
            default -> inspectSegment(f, buf, mark);
        };
        if (tcp && (view.tcpFlags & PacketView.TCP_RST) != 0) {
            f.release();
            table.remove(slot);
        }
        return verdict;
    }

    /** Forgets idle flows, a bounded amount of work per call; call about once a second. */
    public void expireIdleFlows(long nowNanos) {
        table.expire(nowNanos, 4096, releaseSlot);
    }

    /** Flows tracked now. */
    public int flowCount() {
        return table.size();
    }

    /** Flows pushed out because the table was full. */
    public long flowEvictions() {
        return table.evictions();
    }

    /** True (and counted) when checksums are verified and this one is wrong. */
    private boolean badChecksum(ByteBuffer buf) {
        if (verifyChecksums && !view.truncated && !view.checksumValid(buf)) {
            counters.increment(Counter.BAD_CHECKSUMS);
            return true;
        }
        return false;
    }

    private boolean opensFlow() {
        int syn = view.tcpFlags & (PacketView.TCP_SYN | PacketView.TCP_ACK | PacketView.TCP_RST);
        return syn == PacketView.TCP_SYN || (view.payloadLength > 0 && (view.tcpFlags & PacketView.TCP_RST) == 0);
    }

    private long newFlow(ByteBuffer buf, int mark, long nowNanos, boolean tcp) {
        int slot = table.insert(view, nowNanos);
        FlowState f = flows[slot];
        if (f == null) {
            f = new FlowState(pool);
            flows[slot] = f;
        }
        f.reset();
        counters.increment(Counter.FLOWS);
        fillAddresses();
        RuleSet rs = rules.get();
        int idx = rs.matchBeforeInspection(facts);
        if (idx == RuleSet.NEEDS_INSPECTION && !tcp) {
            // Nothing inspects UDP yet: decide on what is known, as for unknown bytes.
            facts.applicationKnown = true;
            idx = rs.match(facts);
        }
        if (idx != RuleSet.NEEDS_INSPECTION) {
            return decideFlow(f, rs, idx, mark);
        }
        boolean syn = (view.tcpFlags & PacketView.TCP_SYN) != 0;
        // A flow first seen mid-stream (daemon restarted) is read from the first byte we get.
        f.stream.start(syn ? view.tcpSeq + 1 : view.tcpSeq);
        return syn ? PacketVerdict.ACCEPTED : inspectSegment(f, buf, mark);
    }

    private long inspectSegment(FlowState f, ByteBuffer buf, int mark) {
        int len = view.payloadLength;
        if (len == 0) {
            return PacketVerdict.ACCEPTED;
        }
        if (badChecksum(buf)) {
            return PacketVerdict.ACCEPTED;
        }
        long verdict = PacketVerdict.ACCEPTED;
        int pos = 0;
        while (pos < len && f.state == FlowState.INSPECTING) {
            int r = f.stream.offer(view.tcpSeq + pos, buf, view.payloadOffset + pos, len - pos);
            switch (r) {
                case org.nfqwall.flow.StreamReassembler.IN_ORDER:
                    pos += f.stream.lastTaken();
                    verdict = strongest(verdict, inspectHeld(f, mark));
                    if (f.state == FlowState.INSPECTING && f.stream.full()) {
                        counters.increment(Counter.HEAD_TOO_LARGE);
                        verdict = strongest(verdict, decideUnknown(f, mark));
                    }
                    break;
                case org.nfqwall.flow.StreamReassembler.CONFLICT:
                    counters.increment(Counter.REASSEMBLY_CONFLICTS);
                    return PacketVerdict.DROPPED;
                case org.nfqwall.flow.StreamReassembler.NO_ROOM:
                    if (f.stream.lastFailedForBuffer()) {
                        counters.increment(Counter.BUFFERS_EXHAUSTED);
                        return strongest(verdict, decideUnknown(f, mark));
                    }
                    counters.increment(Counter.REASSEMBLY_NO_ROOM);
                    return PacketVerdict.DROPPED;
                default: // OLD or HELD: the server may get it, nothing to decide yet
                    return verdict;
            }
        }
        return verdict;
    }

    /** Runs the inspector over the held in-order bytes until it needs more. */
    private long inspectHeld(FlowState f, int mark) {
        long verdict = PacketVerdict.ACCEPTED;
        while (f.state == FlowState.INSPECTING && f.stream.length() > 0) {
            int result = http.inspect(f.http, f.stream.data(), 0, f.stream.length(), head);
            int consumed = http.consumed();
            f.stream.consume(consumed);
            long skippable = f.http.skippableBytes();
            if (skippable > 0) {
                f.stream.skip(skippable);
                f.http.skip(skippable);
            }
            switch (result) {
                case HttpInspector.REQUEST -> verdict = strongest(verdict, decideRequest(f, mark));
                case HttpInspector.NOT_HTTP -> {
                    if (f.sawHttp && f.http.upgradeRequested()) {
                        // A tunnel after CONNECT or an accepted upgrade: nothing more to read.
                        f.state = FlowState.ACCEPTED;
                        f.release();
                    } else {
                        counters.increment(Counter.NOT_HTTP);
                        verdict = strongest(verdict, decideUnknown(f, mark));
                    }
                }
                case HttpInspector.TOO_LARGE -> {
                    counters.increment(Counter.HEAD_TOO_LARGE);
                    verdict = strongest(verdict, decideUnknown(f, mark));
                }
                case HttpInspector.MALFORMED -> {
                    counters.increment(Counter.HTTP_MALFORMED);
                    verdict = strongest(verdict, decideUnknown(f, mark));
                }
                default -> {
                    if (consumed == 0 && skippable == 0) {
                        return verdict;
                    }
                }
            }
        }
        return verdict;
    }

    /**
     * Decides the request in {@code head}. Its hosts arrive raw and are normalised here by the
     * rules' own normaliser, so they compare with rule hosts by equality; a host that is present
     * but invalid makes the request malformed (RFC 9112 3.2: the server answers 400), and the
     * flow is decided as protocol unknown.
     */
    private long decideRequest(FlowState f, int mark) {
        String hostHeader = HostNames.normalise(head.hostHeader());
        String targetHost = HostNames.normalise(head.targetHost());
        if (invalid(head.hostHeader(), hostHeader) || invalid(head.targetHost(), targetHost)) {
            counters.increment(Counter.HTTP_MALFORMED);
            return decideUnknown(f, mark);
        }
        f.sawHttp = true;
        counters.increment(Counter.HTTP_REQUESTS);
        fillAddresses();
        facts.applicationKnown = true;
        facts.protocol = Protocol.HTTP;
        facts.method = head.method();
        facts.path = head.path();
        facts.query = head.query();
        if (hostHeader != null) {
            facts.addHost(hostHeader);
        }
        if (targetHost != null) {
            facts.addHost(targetHost);
        }
        RuleSet rs = rules.get();
        int idx = rs.match(facts);
        Verdict v = idx >= 0 ? rs.rule(idx).verdict() : rs.defaultVerdict();
        if (v == Verdict.DROP || v == Verdict.REJECT) {
            return decideFlow(f, rs, idx, mark);
        }
        // Keep-alive: the next request on this connection is decided on its own.
        return apply(rs, idx, mark);
    }

    /** True if a raw host was given but does not normalise. */
    private static boolean invalid(String raw, String normalised) {
        return normalised == null && raw != null && !raw.isEmpty();
    }

    /** Decides the whole flow on addresses and ports only: its bytes cannot be read. */
    private long decideUnknown(FlowState f, int mark) {
        fillAddresses();
        facts.applicationKnown = true;
        RuleSet rs = rules.get();
        return decideFlow(f, rs, rs.match(facts), mark);
    }

    /** Applies a decision that holds for the rest of the flow. */
    private long decideFlow(FlowState f, RuleSet rs, int idx, int mark) {
        Verdict v = idx >= 0 ? rs.rule(idx).verdict() : rs.defaultVerdict();
        f.state = (v == Verdict.DROP || v == Verdict.REJECT) ? FlowState.DROPPED : FlowState.ACCEPTED;
        f.release();
        return apply(rs, idx, mark);
    }

    /** Counts and reports a decision and turns it into this packet's verdict. */
    private long apply(RuleSet rs, int idx, int mark) {
        Rule rule = idx >= 0 ? rs.rule(idx) : null;
        Verdict v = rule != null ? rule.verdict() : rs.defaultVerdict();
        int ruleMark = rule != null ? rule.mark() : 0;
        if (rule == null) {
            counters.increment(Counter.DECIDED_BY_DEFAULT);
        }
        listener.decided(facts, rule, v, ruleMark);
        int keep = mark & ~MarkBits.RESERVED_MASK;
        switch (v) {
            case DROP:
                counters.increment(Counter.DECIDED_DROP);
                return PacketVerdict.encode(PacketVerdict.REPEAT, keep | MarkBits.VERDICT | MarkBits.DROP);
            case REJECT:
                counters.increment(Counter.DECIDED_REJECT);
                return PacketVerdict.encode(PacketVerdict.REPEAT, keep | MarkBits.VERDICT | MarkBits.REJECT);
            case MARK:
                counters.increment(Counter.DECIDED_MARK);
                return PacketVerdict.encode(PacketVerdict.REPEAT,
                        (keep & ~rs.markMask()) | ruleMark | MarkBits.VERDICT);
            default:
                counters.increment(Counter.DECIDED_ACCEPT);
                return PacketVerdict.ACCEPTED;
        }
    }

    /** Several requests in one segment: a drop or reject wins, then the last mark. */
    private static long strongest(long a, long b) {
        return rank(b) >= rank(a) ? b : a;
    }

    private static int rank(long v) {
        int action = PacketVerdict.action(v);
        if (action == PacketVerdict.ACCEPT) {
            return 0;
        }
        if (action == PacketVerdict.DROP) {
            return 3;
        }
        int m = PacketVerdict.mark(v);
        return (m & (MarkBits.DROP | MarkBits.REJECT)) != 0 ? 2 : 1;
    }

    private void fillAddresses() {
        facts.clearApplication();
        facts.ipVersion = view.ipVersion;
        facts.srcHi = view.srcHi;
        facts.srcLo = view.srcLo;
        facts.dstHi = view.dstHi;
        facts.dstLo = view.dstLo;
        facts.l4Protocol = view.l4Protocol;
        facts.srcPort = view.srcPort;
        facts.dstPort = view.dstPort;
    }
}
