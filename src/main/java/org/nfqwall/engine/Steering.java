package org.nfqwall.engine;

import java.nio.ByteBuffer;
import org.nfqwall.inspect.dns.DnsAnswer;
import org.nfqwall.inspect.dns.DnsResponseParser;
import org.nfqwall.rules.Facts;
import org.nfqwall.rules.MarkSteering;
import org.nfqwall.rules.RuleSet;
import org.nfqwall.stats.Counter;
import org.nfqwall.stats.Counters;

/**
 * Steering, the engine's side: remembers the server addresses of hosts that rules mark with a
 * steering mark, in the mark's kernel set ({@link SteeringAdder}), so the generated ruleset marks
 * the next connections to them from their first packet; and keeps routing marks off live
 * connections.
 *
 * <p>Two sources fill the sets. A decision by a rule whose mark steers adds the flow's
 * destination address ({@link #decided}). A DNS response seen on a queued UDP packet from port
 * 53 adds the A/AAAA addresses answered for a name that a steering rule's host condition matches
 * (the question name or a name of its CNAME chain; {@link #dnsAnswer}), at most
 * {@value #MAX_DNS_ADDRESSES} per answer, before the answer's verdict is sent.
 *
 * <p>The live-connection rule: a mark with a routing table is never put on a connection that
 * does not carry it already (its packet mark, restored from the connmark, lacks it), nor is any
 * mark put over a routing mark a connection carries: a new route mid-connection breaks it (NAT
 * on the other uplink, stateful peers). The decision then leaves the connection's mark as it is
 * ({@link Steered#NEXT}); the address is in the set, so the next connection is steered at its
 * SYN. Marks without a table (shaping only) are applied at once, as a class change is harmless.
 *
 * <p>Owned by one worker thread, like its engine. Allocates nothing per decision; a DNS answer
 * allocates its names.
 */
final class Steering {
    /** UDP source port of the DNS answers read: {@value}. */
    static final int DNS_PORT = 53;
    /** Addresses of one DNS answer put into a set at most: {@value}; more are counted, not added. */
    static final int MAX_DNS_ADDRESSES = 16;

    private final SteeringAdder adder;
    private final Counters counters;
    private final DnsAnswer answer = new DnsAnswer();
    private final String[] chain = new String[DnsAnswer.MAX_CHAIN];

    Steering(SteeringAdder adder, Counters counters) {
        this.adder = adder;
        this.counters = counters;
    }

    /**
     * A rule with a mark verdict ({@code idx} in {@code rs}) decided the flow of {@code f} whose
     * packet arrived with {@code packetMark}: adds the destination address to the mark's set if
     * the mark steers, and says whether the mark may go on the connection now.
     */
    Steered decided(RuleSet rs, int idx, Facts f, int packetMark) {
        int ruleMark = rs.rule(idx).mark();
        MarkSteering steering = rs.steering(idx);
        if (steering != null) {
            add(ruleMark, steering, f.ipVersion == 6, f.dstHi, f.dstLo);
        }
        int current = packetMark & rs.markMask();
        if (current != ruleMark && (rs.routes(idx) || rs.routesMark(current))) {
            counters.increment(Counter.STEER_DEFERRED);
            return Steered.NEXT;
        }
        return steering != null || rs.routes(idx) ? Steered.NOW : Steered.NONE;
    }

    /**
     * Reads the UDP payload {@code buf[off, off+len)} from port 53 as a DNS response and adds the
     * addresses it answers for a name a steering rule of {@code rs} matches. Never fails: what
     * does not parse is counted ({@link Counter#DNS_MALFORMED}). The caller accepts the packet.
     */
    void dnsAnswer(ByteBuffer buf, int off, int len, RuleSet rs) {
        counters.increment(Counter.DNS_PACKETS);
        if (DnsResponseParser.parse(buf, off, len, answer) != DnsResponseParser.RESPONSE) {
            counters.increment(Counter.DNS_MALFORMED);
            return;
        }
        counters.increment(Counter.DNS_RESPONSES);
        if (answer.count == 0 || !rs.steersByHost()) {
            return;
        }
        int names = answer.chain(chain);
        int idx = RuleSet.NO_MATCH;
        for (int i = 0; i < names && idx < 0; i++) {
            idx = rs.steeringRuleForHost(chain[i]);
        }
        if (idx >= 0) {
            addAnswered(rs.rule(idx).mark(), rs.steering(idx), names);
        }
        for (int i = 0; i < names; i++) {
            chain[i] = null;
        }
    }

    private void addAnswered(int mark, MarkSteering steering, int names) {
        int added = 0;
        for (int i = 0; i < answer.count; i++) {
            if (!answer.isAddressOf(i, chain, names)) {
                continue;
            }
            if (added == MAX_DNS_ADDRESSES) {
                counters.increment(Counter.DNS_ADDRESSES_OVER_CAP);
                continue;
            }
            added++;
            boolean ipv6 = answer.type[i] == DnsAnswer.TYPE_AAAA;
            if (add(mark, steering, ipv6, answer.addressHi[i], answer.addressLo[i]) == SteeringAdder.ADDED) {
                counters.increment(Counter.DNS_STEERED_ADDRESSES);
            }
        }
        counters.add(Counter.DNS_ADDRESSES_OVER_CAP, answer.recordsNotRead);
    }

    private int add(int mark, MarkSteering steering, boolean ipv6, long hi, long lo) {
        int result = adder.add(mark, ipv6, hi, lo, steering.timeoutSeconds());
        counters.increment(switch (result) {
            case SteeringAdder.ADDED -> Counter.STEER_ADDED;
            case SteeringAdder.NO_SUCH_SET -> Counter.STEER_SET_MISSING;
            case SteeringAdder.SET_FULL -> Counter.STEER_SET_FULL;
            default -> Counter.STEER_ADD_FAILED;
        });
        return result;
    }
}
