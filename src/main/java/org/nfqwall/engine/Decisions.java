package org.nfqwall.engine;

import java.util.concurrent.atomic.AtomicReference;
import org.nfqwall.packet.PacketView;
import org.nfqwall.rules.Block;
import org.nfqwall.rules.BlockSet;
import org.nfqwall.rules.Facts;
import org.nfqwall.rules.MarkBits;
import org.nfqwall.rules.Rule;
import org.nfqwall.rules.RuleSet;
import org.nfqwall.rules.Verdict;
import org.nfqwall.stats.Counter;
import org.nfqwall.stats.Counters;
import org.nfqwall.stats.RuleCounters;

/**
 * Turns what inspection learnt into a decision and the decision into a packet verdict: matches
 * the rules on the worker's {@link Facts}, counts, tells the listener, and encodes the verdict
 * with the mark bits the generated iptables rules act on.
 *
 * <p>A decision is either for one request (HTTP keep-alive: the next request is decided on its
 * own) or final for the flow. A final accept carries {@link MarkBits#OFFLOAD}, so the kernel
 * accepts the rest of the flow without queueing it; a final drop or reject carries
 * {@link MarkBits#DROP} or {@link MarkBits#REJECT}, so the kernel drops or resets the rest.
 *
 * <p>Inside a GRE tunnel the kernel's conntrack entry is the whole tunnel's (generic GRE
 * tracking by the endpoints' addresses), so a connmark would decide every inner flow at once:
 * {@link #perPacket} turns such a verdict into one for the packet alone, and the flow's rule mark
 * is remembered in its {@link FlowState} instead.
 *
 * <p>Timed blocks ({@link BlockSet}) come before the rules at every decision: a block that
 * matches drops the flow for good, logged with the block's rule {@code block:ID}. They are read
 * through their own reference; with none, that is one volatile read and no allocation.
 *
 * <p>A decision by a rule whose mark routes or steers goes through {@link Steering} first: it
 * records the server address in the mark's set and may keep a routing mark off a live connection.
 *
 * <p>Owned by one worker thread, like its engine. The rule set is read once per decision.
 */
final class Decisions {
    private final AtomicReference<RuleSet> rules;
    private final AtomicReference<BlockSet> blocks;
    private final Counters counters;
    private final DecisionListener listener;
    private final RuleCounters ruleCounters;
    private final Steering steering;
    private final Facts facts = new Facts();
    /** The rule set {@link #ruleCounters} is laid out for. */
    private RuleSet counted;
    /** Length of the packet being decided; 0 once a decision has counted it. */
    private int packetBytes;

    Decisions(AtomicReference<RuleSet> rules, AtomicReference<BlockSet> blocks, Counters counters,
            RuleCounters ruleCounters, DecisionListener listener, Steering steering) {
        this.rules = rules;
        this.steering = steering;
        this.blocks = blocks;
        this.counters = counters;
        this.ruleCounters = ruleCounters;
        this.listener = listener;
    }

    /** A new packet of {@code length} bytes: the first decision it carries counts it for its rule. */
    void packet(int length) {
        packetBytes = length;
    }

    /** The facts, application part cleared, for an inspector to fill before deciding. */
    Facts application() {
        facts.clearApplication();
        return facts;
    }

    /** Starts a decision about the packet in {@code view}: its addresses and ports, nothing else known. */
    Facts begin(PacketView view) {
        facts.clearApplication();
        facts.ipVersion = view.ipVersion;
        facts.srcHi = view.srcHi;
        facts.srcLo = view.srcLo;
        facts.dstHi = view.dstHi;
        facts.dstLo = view.dstLo;
        facts.l4Protocol = view.l4Protocol;
        facts.srcPort = view.srcPort;
        facts.dstPort = view.dstPort;
        facts.tunnelled = view.tunnelled;
        facts.tunnelSrcHi = view.outerSrcHi;
        facts.tunnelSrcLo = view.outerSrcLo;
        facts.tunnelDstHi = view.outerDstHi;
        facts.tunnelDstLo = view.outerDstLo;
        facts.greKeyPresent = view.greKeyPresent;
        facts.greKey = view.greKey;
        return facts;
    }

    /** The rule set in force now. */
    RuleSet ruleSet() {
        return rules.get();
    }

    /** Decides one request of a flow that stays under inspection, unless the verdict ends the flow. */
    long request(FlowState f, int mark) {
        facts.applicationKnown = true;
        Block b = blocked();
        if (b != null) {
            return blockFor(f, b);
        }
        RuleSet rs = rules.get();
        int idx = rs.match(facts);
        if (ends(rs, idx)) {
            return finalFor(f, rs, idx, mark);
        }
        return apply(f, rs, idx, mark, false);
    }

    /** Decides the whole flow on the application facts filled in. */
    long flow(FlowState f, int mark) {
        facts.applicationKnown = true;
        Block b = blocked();
        if (b != null) {
            return blockFor(f, b);
        }
        RuleSet rs = rules.get();
        return finalFor(f, rs, rs.match(facts), mark);
    }

    /** True if the facts filled in, as they stand, would drop or reject the flow. */
    boolean wouldEnd() {
        facts.applicationKnown = true;
        if (blocked() != null) {
            return true;
        }
        RuleSet rs = rules.get();
        return ends(rs, rs.match(facts));
    }

    /** Decides the whole flow when its bytes cannot be read: protocol unknown, addresses only. */
    long unknown(FlowState f, int mark) {
        facts.clearApplication();
        return flow(f, mark);
    }

    /** Applies a decision already matched ({@code idx} from {@code rs}) to the whole flow. */
    long finalFor(FlowState f, RuleSet rs, int idx, int mark) {
        f.state = ends(rs, idx) ? FlowState.DROPPED : FlowState.ACCEPTED;
        f.release();
        if (f.state == FlowState.ACCEPTED) {
            f.host0 = facts.hosts[0];
            f.host1 = facts.hosts[1];
        }
        return apply(f, rs, idx, mark, true);
    }

    /** The block in force that matches the facts as they stand, or null; one volatile read when there are none. */
    Block blocked() {
        BlockSet bs = blocks.get();
        return bs.isEmpty() ? null : bs.match(facts, System.currentTimeMillis());
    }

    /** Drops the whole flow for block {@code b}: counted as a drop, logged with the block's rule. */
    long blockFor(FlowState f, Block b) {
        f.state = FlowState.DROPPED;
        f.release();
        counters.increment(Counter.DECIDED_DROP);
        listener.decided(facts, b.rule(), Verdict.DROP, 0);
        packetBytes = 0;
        return PacketVerdict.encode(PacketVerdict.REPEAT, MarkBits.VERDICT | MarkBits.DROP);
    }

    /** The verdict for a packet of a flow already accepted for good, moved out of the queue. */
    static long offloaded(int mark) {
        return PacketVerdict.encode(PacketVerdict.REPEAT, (mark & ~MarkBits.RESERVED_MASK) | MarkBits.VERDICT | MarkBits.OFFLOAD);
    }

    private static boolean ends(RuleSet rs, int idx) {
        Verdict v = idx >= 0 ? rs.rule(idx).verdict() : rs.defaultVerdict();
        return v == Verdict.DROP || v == Verdict.REJECT;
    }

    /**
     * A verdict for a packet that came inside a GRE tunnel: answered for this packet alone, never
     * with nfqwall's connmark bits. A drop or reject (no reset can be sent into the tunnel) drops
     * it; anything else accepts it with the mark the verdict gives (the reserved bits cleared).
     */
    static long perPacket(long verdict) {
        if (PacketVerdict.action(verdict) != PacketVerdict.REPEAT) {
            return verdict;
        }
        int m = PacketVerdict.mark(verdict);
        if ((m & (MarkBits.DROP | MarkBits.REJECT)) != 0) {
            return PacketVerdict.DROPPED;
        }
        return PacketVerdict.encode(PacketVerdict.ACCEPT, m & ~MarkBits.RESERVED_MASK);
    }

    /** Counts and reports a decision and turns it into this packet's verdict. */
    private long apply(FlowState f, RuleSet rs, int idx, int mark, boolean offload) {
        Rule rule = idx >= 0 ? rs.rule(idx) : null;
        Verdict v = rule != null ? rule.verdict() : rs.defaultVerdict();
        int ruleMark = rule != null ? rule.mark() : 0;
        if (rule == null) {
            counters.increment(Counter.DECIDED_BY_DEFAULT);
        }
        countForRule(rs, idx);
        // A tunnel's inner addresses are not routed by this host, so they never steer.
        Steered steered = v == Verdict.MARK && rule != null && !facts.tunnelled
                ? steering.decided(rs, idx, facts, mark) : Steered.NONE;
        if (v == Verdict.MARK && steered != Steered.NEXT) {
            // Like a connmark, which a later accept on a keep-alive connection leaves as it is.
            f.ruleMark = ruleMark;
            f.markMask = rs.markMask();
        }
        listener.decided(facts, rule, v, ruleMark, steered);
        int keep = mark & ~MarkBits.RESERVED_MASK;
        int leave = offload ? MarkBits.VERDICT | MarkBits.OFFLOAD : 0;
        if (offload && !facts.tunnelled && (v == Verdict.ACCEPT || v == Verdict.MARK)) {
            counters.increment(Counter.FLOWS_OFFLOADED);
        }
        switch (v) {
            case DROP:
                counters.increment(Counter.DECIDED_DROP);
                return PacketVerdict.encode(PacketVerdict.REPEAT, keep | MarkBits.VERDICT | MarkBits.DROP);
            case REJECT:
                counters.increment(Counter.DECIDED_REJECT);
                return PacketVerdict.encode(PacketVerdict.REPEAT, keep | MarkBits.VERDICT | MarkBits.REJECT);
            case MARK:
                counters.increment(Counter.DECIDED_MARK);
                if (steered == Steered.NEXT) {
                    // A routing mark is not put on a live connection: it goes on unmarked.
                    return offload ? PacketVerdict.encode(PacketVerdict.REPEAT, keep | leave) : PacketVerdict.ACCEPTED;
                }
                return PacketVerdict.encode(PacketVerdict.REPEAT,
                        (keep & ~rs.markMask()) | ruleMark | MarkBits.VERDICT | leave);
            default:
                counters.increment(Counter.DECIDED_ACCEPT);
                return offload ? PacketVerdict.encode(PacketVerdict.REPEAT, keep | leave) : PacketVerdict.ACCEPTED;
        }
    }

    /** Per-rule counts; the first decision with a new rule set lays the counters out for it (allocates, once). */
    private void countForRule(RuleSet rs, int idx) {
        if (rs != counted) {
            String[] names = new String[rs.size()];
            for (int i = 0; i < names.length; i++) {
                names[i] = rs.rule(i).name();
            }
            ruleCounters.bind(names);
            counted = rs;
        }
        int slot = idx >= 0 ? idx : rs.size();
        ruleCounters.decided(slot, System.currentTimeMillis());
        if (packetBytes > 0) {
            ruleCounters.packet(slot, packetBytes);
            packetBytes = 0;
        }
    }

    /** Several decisions for one packet: a drop or reject wins, then a mark, then an offload. */
    static long strongest(long a, long b) {
        return rank(b) >= rank(a) ? b : a;
    }

    private static int rank(long v) {
        int action = PacketVerdict.action(v);
        if (action == PacketVerdict.ACCEPT) {
            return 0;
        }
        if (action == PacketVerdict.DROP) {
            return 4;
        }
        int m = PacketVerdict.mark(v);
        if ((m & (MarkBits.DROP | MarkBits.REJECT)) != 0) {
            return 3;
        }
        return (m & MarkBits.USER_MASK) != 0 ? 2 : 1;
    }
}
