package org.nfqwall.engine;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;
import org.nfqwall.flow.BufferPool;
import org.nfqwall.flow.FlowTable;
import org.nfqwall.flow.StreamReassembler;
import org.nfqwall.packet.Malformed;
import org.nfqwall.packet.PacketView;
import org.nfqwall.rules.Block;
import org.nfqwall.rules.BlockSet;
import org.nfqwall.rules.Facts;
import org.nfqwall.rules.MarkBits;
import org.nfqwall.rules.RuleSet;
import org.nfqwall.stats.Counter;
import org.nfqwall.stats.Counters;
import org.nfqwall.stats.RuleCounters;

/**
 * Decides one packet at a time: decodes it, finds its flow, hands the flow's client bytes (TCP)
 * or datagrams (UDP) to inspection, and returns a {@link PacketVerdict}.
 *
 * <p>A flow whose fate cannot depend on what it carries (the first rule whose addresses and
 * ports match needs no inspection) is decided at its first packet. Otherwise segments that
 * complete nothing are accepted and their bytes kept; the segment that completes a request head
 * or a ClientHello carries the decision. A flow decided for good leaves the queue: the verdict
 * tells the kernel (connmark) to accept, drop or reset the rest of it without asking again.
 *
 * <p>A packet inside a GRE tunnel is decided on the packet it carries, as a flow of its own keyed
 * by the inner 5-tuple, the tunnel's endpoints and key. Its verdicts are for the packet alone
 * ({@link Decisions#perPacket}): the kernel tracks the tunnel as one connection, so nothing can
 * be offloaded; the engine drops the rest of a dropped inner flow itself, and gives the flow's
 * rule mark to each of its packets and its replies (which come through the queue too).
 *
 * <p>One engine per queue, used only by that queue's worker thread. The rule set is read once per
 * decision, so a reload takes effect at the next decision; flows already decided keep their
 * decision. After warm-up the per-packet path allocates nothing; decoding a request head or a
 * ClientHello allocates its strings, decrypting a QUIC Initial its crypto state. Decisions are
 * counted per rule in its {@link RuleCounters}, laid out anew (once) for each new rule set.
 *
 * <p>The statistics accessors ({@link #flowCount}, {@link #flowCapacity}, {@link #flowEvictions},
 * {@link #flowExpirations}, {@link #ruleCounters}) may be called from any thread: plain reads of
 * what the worker writes, which may lag it slightly.
 */
public final class Engine {
    /**
     * {@code skbInfo} bit, the kernel's NFQA_SKB_CSUMNOTREADY: the packet's TCP/UDP checksum is
     * not computed yet (a sender's checksum offload; the NIC or the segmentation fills it in), so
     * its field proves nothing and is not verified.
     */
    public static final int SKB_CSUM_NOT_READY = 1;
    /** {@code skbInfo} bit, the kernel's NFQA_SKB_GSO: a GSO/GRO super-packet queued whole. */
    public static final int SKB_GSO = 1 << 1;

    private final Counters counters;
    private final boolean verifyChecksums;

    private final PacketView view = new PacketView();
    private final FlowTable table;
    private final BufferPool pool;
    private final FlowState[] flows;
    private final Decisions decisions;
    private final StreamInspection streams;
    private final DatagramInspection datagrams;
    private final FlowTable.SlotListener releaseSlot;
    private final RuleCounters ruleCounters;
    private final Steering steering;

    private final Facts cutFacts = new Facts();
    /** The packet being decided has no checksum yet ({@link #SKB_CSUM_NOT_READY}). */
    private boolean checksumNotReady;
    /** The flow (or, for a tunnelled reply, the flow replied to) of the packet being decided, or null. */
    private FlowState current;

    public Engine(EngineConfig config, AtomicReference<RuleSet> rules, Counters counters, DecisionListener listener) {
        this(config, rules, counters, new RuleCounters(), listener);
    }

    /** An engine that counts decisions per rule into {@code ruleCounters} (which it then owns for writing). */
    public Engine(EngineConfig config, AtomicReference<RuleSet> rules, Counters counters, RuleCounters ruleCounters,
            DecisionListener listener) {
        this(config, rules, new AtomicReference<>(BlockSet.EMPTY), counters, ruleCounters, listener);
    }

    /** An engine that also drops what the timed blocks in {@code blocks} match, before the rules. */
    public Engine(EngineConfig config, AtomicReference<RuleSet> rules, AtomicReference<BlockSet> blocks,
            Counters counters, RuleCounters ruleCounters, DecisionListener listener) {
        this(config, rules, blocks, counters, ruleCounters, listener, SteeringAdder.NONE);
    }

    /**
     * An engine that also steers: puts the server addresses of hosts decided by steering rules,
     * and those DNS answers name for them, into the kernel sets through {@code steeringAdder}
     * (owned by this engine's worker). See {@link Steering}.
     */
    public Engine(EngineConfig config, AtomicReference<RuleSet> rules, AtomicReference<BlockSet> blocks,
            Counters counters, RuleCounters ruleCounters, DecisionListener listener, SteeringAdder steeringAdder) {
        this.counters = counters;
        this.ruleCounters = ruleCounters;
        this.verifyChecksums = config.verifyChecksums();
        this.table = new FlowTable(config.flowCapacity(), config.flowIdleSeconds());
        this.pool = BufferPool.withBudget(config.streamBufferBytes(), config.bufferBudgetBytes());
        this.flows = new FlowState[config.flowCapacity()];
        this.steering = new Steering(steeringAdder, counters);
        this.decisions = new Decisions(rules, blocks, counters, ruleCounters, listener, steering);
        this.streams = new StreamInspection(decisions, counters, config.maxHeadBytes(), config.maxClientHelloBytes());
        this.datagrams = new DatagramInspection(decisions, counters, config.maxClientHelloBytes());
        this.releaseSlot = slot -> flows[slot].release();
    }

    /**
     * Decides the IP packet at {@code buf[offset, offset+length)}, captured whole, that arrived
     * with packet mark {@code mark}. Never throws for any packet content.
     */
    public long onPacket(ByteBuffer buf, int offset, int length, int mark, long nowNanos) {
        return onPacket(buf, offset, length, length, mark, 0, nowNanos);
    }

    /**
     * Decides the IP packet whose first {@code length} bytes lie at {@code buf[offset, ...)}:
     * {@code wireLength} is its real length (more than {@code length} when the queue cut it to its
     * copy range), {@code skbInfo} the kernel's NFQA_SKB_INFO bits ({@link #SKB_CSUM_NOT_READY},
     * {@link #SKB_GSO}). Only the captured bytes are read. Cut-off bytes that a flow under
     * inspection would still read make the verdict a drop of this packet alone
     * ({@link Counter#TRUNCATED_DROPPED}): the client sends them again in segments that fit.
     * Never throws for any packet content.
     */
    public long onPacket(ByteBuffer buf, int offset, int length, int wireLength, int mark, int skbInfo,
            long nowNanos) {
        int onWire = Math.max(length, wireLength);
        counters.increment(Counter.PACKETS);
        counters.add(Counter.BYTES, onWire);
        if ((skbInfo & SKB_GSO) != 0) {
            counters.increment(Counter.GSO_PACKETS);
        }
        checksumNotReady = (skbInfo & SKB_CSUM_NOT_READY) != 0;
        if ((mark & MarkBits.VERDICT) != 0) {
            // Our own verdict came back to the queue: the generated rules that act on it are
            // missing. Answer finally instead of looping; rejects degrade to drops.
            counters.increment(Counter.LOOPED_VERDICTS);
            return (mark & (MarkBits.DROP | MarkBits.REJECT)) != 0 ? PacketVerdict.DROPPED
                    : PacketVerdict.encode(PacketVerdict.ACCEPT, mark & ~MarkBits.RESERVED_MASK);
        }
        if (view.decode(buf, offset, length, onWire) != Malformed.NONE) {
            counters.increment(Counter.MALFORMED);
            return PacketVerdict.ACCEPTED;
        }
        if (view.tunnelled) {
            counters.increment(Counter.GRE_PACKETS);
        }
        if (view.laterFragment) {
            counters.increment(Counter.FRAGMENTS);
            return PacketVerdict.ACCEPTED;
        }
        boolean tcp = view.l4Protocol == PacketView.PROTO_TCP;
        if (!tcp && view.l4Protocol != PacketView.PROTO_UDP) {
            counters.increment(view.l4Protocol == PacketView.PROTO_GRE ? Counter.GRE_NOT_INSPECTED
                    : Counter.OTHER_PROTOCOLS);
            return PacketVerdict.ACCEPTED;
        }
        if (!tcp && !view.tunnelled && view.srcPort == Steering.DNS_PORT) {
            // A DNS answer to a client of this gateway (not one inside a tunnel it forwards).
            return dnsAnswer(buf);
        }
        current = null;
        long verdict = decideFlowPacket(buf, mark, nowNanos, tcp, onWire);
        return view.tunnelled ? tunnelVerdict(verdict, mark) : verdict;
    }

    /**
     * The verdict for a tunnelled packet: for this packet alone, with the rule mark its flow's
     * last decision set, if any.
     */
    private long tunnelVerdict(long verdict, int mark) {
        long v = Decisions.perPacket(verdict);
        FlowState f = current;
        if (PacketVerdict.action(v) != PacketVerdict.ACCEPT || f == null || f.markMask == 0) {
            return v;
        }
        int keep = PacketVerdict.action(verdict) == PacketVerdict.ACCEPT ? mark : PacketVerdict.mark(v);
        return PacketVerdict.encode(PacketVerdict.ACCEPT, f.withRuleMark(keep));
    }

    /** Decides a TCP or UDP packet (the inner one of a tunnelled packet) by its flow. */
    private long decideFlowPacket(ByteBuffer buf, int mark, long nowNanos, boolean tcp, int onWire) {
        decisions.begin(view);
        decisions.packet(onWire);
        int slot = table.find(view, nowNanos);
        if (slot < 0 && view.tunnelled) {
            // Replies of a tunnelled flow come through the queue too: they follow the flow's fate.
            int replied = table.findReply(view, nowNanos);
            if (replied >= 0) {
                current = flows[replied];
                return current.state == FlowState.DROPPED ? PacketVerdict.DROPPED : PacketVerdict.ACCEPTED;
            }
        }
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
        current = f;
        if (tcp && reopens(f)) {
            f.release();
            table.remove(slot);
            return newFlow(buf, mark, nowNanos, true);
        }
        if (tcp && (view.tcpFlags & PacketView.TCP_FIN) != 0) {
            f.clientFin = true;
        }
        long verdict = switch (f.state) {
            case FlowState.DROPPED -> PacketVerdict.DROPPED;
            case FlowState.ACCEPTED -> PacketVerdict.ACCEPTED;
            default -> tcp ? inspectSegment(f, buf, mark) : inspectDatagram(f, buf, mark);
        };
        if (f.carried != 0 && verdict == PacketVerdict.ACCEPTED) {
            verdict = f.carried;
            f.carried = 0;
        } else if (verdict == PacketVerdict.ACCEPTED && !view.tunnelled && f.markMask != 0
                && (mark & f.markMask) != f.ruleMark) {
            // Queued before the decision's connmark existed (the rest of the window in flight):
            // hand it back with the rule mark too, so tc and routing see every packet marked.
            verdict = PacketVerdict.encode(PacketVerdict.REPEAT, f.withRuleMark(mark) | MarkBits.VERDICT
                    | (f.state == FlowState.ACCEPTED ? MarkBits.OFFLOAD : 0));
        }
        if (tcp && (view.tcpFlags & PacketView.TCP_RST) != 0) {
            f.release();
            table.remove(slot);
        }
        return verdict;
    }

    /**
     * A UDP packet from port 53: a DNS answer, read for steering and accepted unchanged, whatever
     * it says. It is a reply, so it takes no flow-table slot and is not inspected as a flow.
     * One with a wrong checksum is not read (the receiver drops it; a forger must not fill sets).
     */
    private long dnsAnswer(ByteBuffer buf) {
        if (view.payloadMissing == 0 && !(view.payloadLength > 0 && badChecksum(buf))) {
            steering.dnsAnswer(buf, view.payloadOffset, view.payloadLength, decisions.ruleSet());
        } else {
            counters.increment(Counter.DNS_PACKETS);
            counters.increment(Counter.DNS_MALFORMED);
        }
        return PacketVerdict.ACCEPTED;
    }

    /** Forgets idle flows, a bounded amount of work per call; call about once a second. */
    public void expireIdleFlows(long nowNanos) {
        table.expire(nowNanos, 4096, releaseSlot);
    }

    /** Told of each flow accepted for good that a block now matches, to cut it in the kernel. */
    @FunctionalInterface
    public interface FlowCutter {
        /** Addresses as 128-bit values (IPv4 mapped); {@code protocol} 6 TCP or 17 UDP. Runs on the worker: must not block. */
        void cut(long srcHi, long srcLo, long dstHi, long dstLo, int protocol, int srcPort, int dstPort, Block block);
    }

    /**
     * Finds the flows accepted for good (offloaded: their packets no longer reach nfqwall) that a
     * block in {@code set} matches, by their addresses and the host they were accepted for, marks
     * them dropped and hands each to {@code cutter}. Walks the whole table: call when the block
     * set changed, not per packet. Worker thread only.
     *
     * @return the flows cut
     */
    public int cutBlockedFlows(BlockSet set, long nowMillis, FlowCutter cutter) {
        if (set.isEmpty()) {
            return 0;
        }
        int cut = 0;
        Facts f = cutFacts;
        for (int s = 0; s < table.capacity(); s++) {
            if (!table.inUse(s) || flows[s] == null || flows[s].state != FlowState.ACCEPTED) {
                continue;
            }
            FlowState fs = flows[s];
            f.clearApplication();
            f.srcHi = table.srcHi(s);
            f.srcLo = table.srcLo(s);
            f.dstHi = table.dstHi(s);
            f.dstLo = table.dstLo(s);
            f.l4Protocol = table.protocol(s);
            f.srcPort = table.srcPort(s);
            f.dstPort = table.dstPort(s);
            f.applicationKnown = true;
            if (fs.host0 != null) {
                f.addHost(fs.host0);
            }
            if (fs.host1 != null) {
                f.addHost(fs.host1);
            }
            Block b = set.match(f, nowMillis);
            if (b != null && table.tunnelled(s)) {
                // Its packets still come through the queue: dropping them here is the whole cut.
                fs.state = FlowState.DROPPED;
                cut++;
            } else if (b != null) {
                fs.state = FlowState.DROPPED;
                cutter.cut(f.srcHi, f.srcLo, f.dstHi, f.dstLo, f.l4Protocol, f.srcPort, f.dstPort, b);
                cut++;
            }
        }
        return cut;
    }

    /** Flows tracked now. */
    public int flowCount() {
        return table.size();
    }

    /** Flows pushed out because the table was full. */
    public long flowEvictions() {
        return table.evictions();
    }

    /** Most flows tracked at once. */
    public int flowCapacity() {
        return table.capacity();
    }

    /** Flows forgotten after being idle. */
    public long flowExpirations() {
        return table.expirations();
    }

    /** Decisions, packets and bytes per rule (read from any thread). */
    public RuleCounters ruleCounters() {
        return ruleCounters;
    }

    /**
     * True when this SYN opens a new connection on the addresses and ports of a flow that is over:
     * one accepted for good (its packets are no longer queued, so one that reaches us belongs to a
     * new connection the kernel let through), or one whose client sent a FIN. Clients and NATs
     * reuse ports, and a new connection must be inspected from its own start. A retransmitted SYN
     * (same sequence number) is not new, and an open flow under inspection or a dropped one is
     * never reset: a forged SYN must not make nfqwall forget what it holds or read the rest of a
     * connection as old bytes.
     */
    private boolean reopens(FlowState f) {
        int flags = view.tcpFlags & (PacketView.TCP_SYN | PacketView.TCP_ACK | PacketView.TCP_RST);
        if (flags != PacketView.TCP_SYN || view.tcpSeq == f.synSeq) {
            return false;
        }
        return f.state == FlowState.ACCEPTED || (f.state == FlowState.INSPECTING && f.clientFin);
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
        current = f;
        if (tcp && (view.tcpFlags & PacketView.TCP_SYN) != 0) {
            f.synSeq = view.tcpSeq;
        }
        counters.increment(Counter.FLOWS);
        decisions.application();
        Block blocked = decisions.blocked();
        if (blocked != null) {
            return decisions.blockFor(f, blocked);
        }
        RuleSet rs = decisions.ruleSet();
        int idx = rs.matchBeforeInspection(decisions.application());
        if (idx != RuleSet.NEEDS_INSPECTION) {
            return decisions.finalFor(f, rs, idx, mark);
        }
        if (!tcp) {
            return inspectDatagram(f, buf, mark);
        }
        boolean syn = (view.tcpFlags & PacketView.TCP_SYN) != 0;
        // A flow first seen mid-stream (daemon restarted) is read from the first byte we get.
        f.stream.start(syn ? view.tcpSeq + 1 : view.tcpSeq);
        return syn ? PacketVerdict.ACCEPTED : inspectSegment(f, buf, mark);
    }

    private long inspectDatagram(FlowState f, ByteBuffer buf, int mark) {
        if (view.payloadMissing > 0) {
            // A datagram is read whole or not at all: accepted, its cut-off end would pass unread.
            counters.increment(Counter.TRUNCATED_DROPPED);
            return PacketVerdict.DROPPED;
        }
        if (view.payloadLength > 0 && badChecksum(buf)) {
            return PacketVerdict.ACCEPTED;
        }
        return datagrams.inspect(f, buf, view.payloadOffset, view.payloadLength, mark);
    }

    /**
     * Offers the segment's captured payload to the flow, then settles what was cut off: bytes the
     * flow does not need (old ones, or a request body being skipped) are passed over; any other
     * would reach the server unread, so the packet is dropped and the client resends them. The
     * captured bytes stay taken, so the stream position is right for the retransmission (whose
     * first part is then old), and a verdict they carried moves to the flow's next packet.
     */
    private long inspectSegment(FlowState f, ByteBuffer buf, int mark) {
        int len = view.payloadLength;
        int missing = view.payloadMissing;
        if ((len == 0 && missing == 0) || badChecksum(buf)) {
            return PacketVerdict.ACCEPTED;
        }
        long verdict = len == 0 ? PacketVerdict.ACCEPTED : offerPayload(f, buf, mark);
        if (missing == 0 || f.state != FlowState.INSPECTING || PacketVerdict.action(verdict) == PacketVerdict.DROP
                || f.stream.passUncaptured(view.tcpSeq + len, missing)) {
            return verdict;
        }
        counters.increment(Counter.TRUNCATED_DROPPED);
        f.carried = Decisions.strongest(f.carried, verdict);
        return PacketVerdict.DROPPED;
    }

    private long offerPayload(FlowState f, ByteBuffer buf, int mark) {
        int len = view.payloadLength;
        long verdict = PacketVerdict.ACCEPTED;
        int pos = 0;
        while (pos < len && f.state == FlowState.INSPECTING) {
            int r = f.stream.offer(view.tcpSeq + pos, buf, view.payloadOffset + pos, len - pos);
            switch (r) {
                case StreamReassembler.IN_ORDER:
                    pos += f.stream.lastTaken();
                    verdict = Decisions.strongest(verdict, streams.inspectHeld(f, mark));
                    if (f.state == FlowState.INSPECTING && f.stream.full()) {
                        counters.increment(Counter.HEAD_TOO_LARGE);
                        verdict = Decisions.strongest(verdict, decisions.unknown(f, mark));
                    }
                    break;
                case StreamReassembler.CONFLICT:
                    counters.increment(Counter.REASSEMBLY_CONFLICTS);
                    return PacketVerdict.DROPPED;
                case StreamReassembler.NO_ROOM:
                    if (f.stream.lastFailedForBuffer()) {
                        counters.increment(Counter.BUFFERS_EXHAUSTED);
                        return Decisions.strongest(verdict, decisions.unknown(f, mark));
                    }
                    counters.increment(Counter.REASSEMBLY_NO_ROOM);
                    return PacketVerdict.DROPPED;
                default: // OLD or HELD: the server may get it, nothing to decide yet
                    return verdict;
            }
        }
        return verdict;
    }

    /**
     * True (and counted) when checksums are verified and this one is wrong. A packet whose
     * checksum the sender's offload has not filled in yet is not judged by it.
     */
    private boolean badChecksum(ByteBuffer buf) {
        if (verifyChecksums && !checksumNotReady && !view.truncated && !view.checksumValid(buf)) {
            counters.increment(Counter.BAD_CHECKSUMS);
            return true;
        }
        return false;
    }
}
