package org.nfqwall.gen;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.nfqwall.rules.MarkBits;

/**
 * What the generated iptables ruleset covers: which TCP and UDP destination ports of which
 * built-in chain (of the filter or the mangle table) go to which NFQUEUE, for IPv4 or IPv6,
 * fail-open or fail-closed, which packet-mark bits rule marks may use, whether data-less TCP
 * ACKs are queued too, and the marking extras: a restore of the connmark on every packet, DNS
 * answers through the queue, and the steering rules of a rules file.
 * Immutable; the constructor rejects anything the ruleset could not express, with a message
 * that says what to fix.
 *
 * @param queue      the NFQUEUE number the daemon reads, 0-{@value #MAX_QUEUE}; with several
 *                   queues the first of them
 * @param chain      the built-in chain to hook: in {@code filter}, {@code FORWARD},
 *                   {@code INPUT} or {@code OUTPUT}; in {@code mangle}, {@code PREROUTING} or
 *                   {@code OUTPUT}
 * @param ports      TCP destination ports whose packets are inspected; at least one
 * @param udpPorts   UDP destination ports whose packets are inspected (QUIC, for one); may be
 *                   empty
 * @param ipv6       generate for ip6tables instead of iptables
 * @param failClosed without a listening daemon, drop the queued packets instead of letting
 *                   them pass (no {@code --queue-bypass})
 * @param markMask   the bits rule marks use (a rule file's {@code mark_mask}): non-zero and
 *                   within {@link MarkBits#USER_MASK}; the ruleset saves and restores only these
 * @param queueAcks  queue data-less TCP ACKs too, instead of accepting them before the queue
 * @param blocks     drop what the timed-block ipsets hold at the top of the chain (the sets
 *                   must exist: see {@link IptablesRuleset#ipsetCreateCommands})
 * @param lastQueue  the last queue: {@code queue} for one queue ({@code --queue-num}), higher for
 *                   {@code --queue-balance queue:lastQueue}
 * @param cpuFanout  with a range: choose the queue by the CPU handling the packet
 *                   ({@code --queue-cpu-fanout}) instead of by the hash of its addresses
 * @param table      {@value #FILTER} or {@value #MANGLE}: mangle placement marks packets before
 *                   the routing decision, so {@code ip rule fwmark} sees them; REJECT, which only
 *                   the filter table has, is then carried out by a small filter part
 * @param restoreMark restore the rule mark from the connmark onto every packet, all protocols
 *                   and ports, at the very top of {@code chain} ({@code --restore-mark})
 * @param dns        also send UDP from source port 53 (DNS answers) through the queue
 * @param steering   the marks whose remembered addresses are marked at a connection's first
 *                   packet, and the rules file they come from ({@link SteeringMarks#NONE}: none)
 * @param gre        queue every GRE packet of the chain too, so the daemon inspects what the
 *                   tunnels carry ({@code -p gre}, both directions, whatever the ports inside)
 */
public record IptablesOptions(int queue, String chain, List<PortRange> ports, List<PortRange> udpPorts,
                              boolean ipv6, boolean failClosed, int markMask, boolean queueAcks, boolean blocks,
                              int lastQueue, boolean cpuFanout, String table, boolean restoreMark, boolean dns,
                              SteeringMarks steering, boolean gre) {
    /** Highest NFQUEUE number: {@value} (the queue number is 16 bits). */
    public static final int MAX_QUEUE = 65535;
    /** The built-in filter chains the ruleset can hook. */
    public static final List<String> CHAINS = List.of("FORWARD", "INPUT", "OUTPUT");
    /** The built-in mangle chains the ruleset can hook: where a mark still steers routing. */
    public static final List<String> MANGLE_CHAINS = List.of("PREROUTING", "OUTPUT");
    /** The filter table: the default placement. */
    public static final String FILTER = "filter";
    /** The mangle table: placement before the routing decision. */
    public static final String MANGLE = "mangle";

    /** Validates every field; throws {@link IllegalArgumentException} saying what to fix. */
    public IptablesOptions {
        if (queue < 0 || queue > MAX_QUEUE) {
            throw new IllegalArgumentException("queue " + queue + " is out of range; expected 0-"
                    + MAX_QUEUE + " (the NFQUEUE number the daemon reads)");
        }
        if (lastQueue < queue || lastQueue > MAX_QUEUE) {
            throw new IllegalArgumentException("queue range " + queue + "-" + lastQueue + " is out of range; expected"
                    + " FIRST-LAST with FIRST <= LAST <= " + MAX_QUEUE + " (the queues the daemon reads)");
        }
        if (cpuFanout && lastQueue == queue) {
            throw new IllegalArgumentException("CPU fanout needs a range of queues to spread over; expected"
                    + " --queues FIRST-LAST with --cpu-fanout");
        }
        checkPlacement(table, chain);
        if (ports == null || ports.isEmpty()) {
            throw new IllegalArgumentException("ports are missing; expected at least one TCP port or"
                    + " range, e.g. 80,8080,8000-8100");
        }
        // Immutable lists throw on contains(null), so look at each entry.
        if (ports.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("ports contain an empty entry; expected only ports"
                    + " and ranges");
        }
        ports = List.copyOf(ports);
        checkOverlaps("TCP", ports);
        if (udpPorts == null) {
            throw new IllegalArgumentException("UDP ports are missing; expected a list of UDP ports and"
                    + " ranges, empty for none");
        }
        if (udpPorts.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("UDP ports contain an empty entry; expected only ports"
                    + " and ranges");
        }
        udpPorts = List.copyOf(udpPorts);
        checkOverlaps("UDP", udpPorts);
        if (markMask == 0) {
            throw new IllegalArgumentException("mark mask 0x0 is empty; expected the non-zero bits"
                    + " rule marks use (the rule file's mark_mask), within " + hex(MarkBits.USER_MASK));
        }
        if ((markMask & ~MarkBits.USER_MASK) != 0) {
            throw new IllegalArgumentException("mark mask " + hex(markMask) + " uses bits "
                    + hex(markMask & MarkBits.RESERVED_MASK) + " that nfqwall reserves; expected bits"
                    + " within " + hex(MarkBits.USER_MASK));
        }
        if (steering == null) {
            throw new IllegalArgumentException("steering marks are missing; expected SteeringMarks.NONE for none");
        }
        for (var mark : steering.marks()) {
            if ((mark.value() & ~markMask) != 0) {
                throw new IllegalArgumentException("steering mark " + hex(mark.value()) + " has bits outside the mark mask "
                        + hex(markMask) + "; expected the mark mask of the rules file the marks come from");
            }
        }
    }

    /** Options in the filter table, without the marking extras. */
    public IptablesOptions(int queue, String chain, List<PortRange> ports, List<PortRange> udpPorts,
                           boolean ipv6, boolean failClosed, int markMask, boolean queueAcks, boolean blocks,
                           int lastQueue, boolean cpuFanout) {
        this(queue, chain, ports, udpPorts, ipv6, failClosed, markMask, queueAcks, blocks, lastQueue, cpuFanout, FILTER,
                false, false, SteeringMarks.NONE, false);
    }

    /** Options for one queue ({@code --queue-num}). */
    public IptablesOptions(int queue, String chain, List<PortRange> ports, List<PortRange> udpPorts,
                           boolean ipv6, boolean failClosed, int markMask, boolean queueAcks, boolean blocks) {
        this(queue, chain, ports, udpPorts, ipv6, failClosed, markMask, queueAcks, blocks, queue, false);
    }

    /** Options without the timed-block set rules. */
    public IptablesOptions(int queue, String chain, List<PortRange> ports, List<PortRange> udpPorts,
                           boolean ipv6, boolean failClosed, int markMask, boolean queueAcks) {
        this(queue, chain, ports, udpPorts, ipv6, failClosed, markMask, queueAcks, false);
    }

    /**
     * Options without UDP ports and with data-less ACKs accepted before the queue (the
     * defaults of {@code nfqwall iptables}).
     */
    public IptablesOptions(int queue, String chain, List<PortRange> ports, boolean ipv6, boolean failClosed,
                           int markMask) {
        this(queue, chain, ports, List.of(), ipv6, failClosed, markMask, false);
    }

    /** These options with other UDP ports (validated the same way). */
    public IptablesOptions withUdpPorts(List<PortRange> udp) {
        return new IptablesOptions(queue, chain, ports, udp, ipv6, failClosed, markMask, queueAcks, blocks, lastQueue,
                cpuFanout, table, restoreMark, dns, steering, gre);
    }

    /** These options with data-less ACKs queued ({@code true}) or accepted before the queue. */
    public IptablesOptions withQueueAcks(boolean queue) {
        return new IptablesOptions(this.queue, chain, ports, udpPorts, ipv6, failClosed, markMask, queue, blocks,
                lastQueue, cpuFanout, table, restoreMark, dns, steering, gre);
    }

    /**
     * These options balanced over queues {@code first} to {@code last} ({@code --queue-balance});
     * {@code cpuFanout} chooses the queue by CPU. {@code first == last} is one queue.
     */
    public IptablesOptions withQueues(int first, int last, boolean cpuFanout) {
        return new IptablesOptions(first, chain, ports, udpPorts, ipv6, failClosed, markMask, queueAcks, blocks, last,
                cpuFanout, table, restoreMark, dns, steering, gre);
    }

    /** These options hooked into another table and chain (validated the same way). */
    public IptablesOptions withPlacement(String table, String chain) {
        return new IptablesOptions(queue, chain, ports, udpPorts, ipv6, failClosed, markMask, queueAcks, blocks,
                lastQueue, cpuFanout, table, restoreMark, dns, steering, gre);
    }

    /** These options with ({@code true}) or without the restore of the connmark onto every packet. */
    public IptablesOptions withRestoreMark(boolean restore) {
        return new IptablesOptions(queue, chain, ports, udpPorts, ipv6, failClosed, markMask, queueAcks, blocks,
                lastQueue, cpuFanout, table, restore, dns, steering, gre);
    }

    /** These options with ({@code true}) or without DNS answers through the queue. */
    public IptablesOptions withDns(boolean queueDns) {
        return new IptablesOptions(queue, chain, ports, udpPorts, ipv6, failClosed, markMask, queueAcks, blocks,
                lastQueue, cpuFanout, table, restoreMark, queueDns, steering, gre);
    }

    /** These options with the steering rules of these marks. */
    public IptablesOptions withSteering(SteeringMarks marks) {
        return new IptablesOptions(queue, chain, ports, udpPorts, ipv6, failClosed, markMask, queueAcks, blocks,
                lastQueue, cpuFanout, table, restoreMark, dns, marks, gre);
    }

    /** These options with GRE queued ({@code true}) or not. */
    public IptablesOptions withGre(boolean queueGre) {
        return new IptablesOptions(queue, chain, ports, udpPorts, ipv6, failClosed, markMask, queueAcks, blocks,
                lastQueue, cpuFanout, table, restoreMark, dns, steering, queueGre);
    }

    /** True when the ruleset lives in the mangle table (marks before the routing decision). */
    public boolean mangle() {
        return MANGLE.equals(table);
    }

    /** Where the hook is, as the document's header says it: {@code FORWARD} or {@code mangle PREROUTING}. */
    public String placement() {
        return mangle() ? MANGLE + " " + chain : chain;
    }

    /** True when packets are balanced over several queues. */
    public boolean balanced() {
        return lastQueue > queue;
    }

    /** The queues as {@code nfqwall run} names them: {@code 10}, or {@code 0-3}. */
    public String queueList() {
        return balanced() ? queue + "-" + lastQueue : Integer.toString(queue);
    }

    /**
     * The NFQUEUE target's options as iptables prints them back:
     * {@code --queue-num N [--queue-bypass]} or
     * {@code --queue-balance A:B [--queue-bypass] [--queue-cpu-fanout]}.
     */
    public String queueTarget() {
        return (balanced() ? "--queue-balance " + queue + ":" + lastQueue : "--queue-num " + queue)
                + (failClosed ? "" : " --queue-bypass")
                + (cpuFanout ? " --queue-cpu-fanout" : "");
    }

    /** The restore command that reads the generated document for this address family. */
    public String restoreCommand() {
        return ipv6 ? "ip6tables-legacy-restore" : "iptables-legacy-restore";
    }

    /**
     * The built-in chain, in the same table, that the replies of the hooked connections
     * traverse: FORWARD for FORWARD and PREROUTING for PREROUTING (both see both directions); for
     * a local server (INPUT) its replies leave through OUTPUT; for a local client (OUTPUT) the
     * server's replies arrive through INPUT, or in mangle through PREROUTING, before the routing
     * decision that checks their source.
     */
    public String replyChain() {
        return switch (chain) {
            case "INPUT" -> "OUTPUT";
            case "OUTPUT" -> mangle() ? "PREROUTING" : "INPUT";
            default -> chain;
        };
    }

    /**
     * The chain that DNS answers toward the hooked clients traverse: the chain itself, except for
     * a local client (OUTPUT), whose answers arrive in {@link #replyChain}.
     */
    public String dnsChain() {
        return chain.equals("OUTPUT") ? replyChain() : chain;
    }

    /**
     * The filter chains that reject connections for a mangle placement: the hooked packets
     * continue to FORWARD or INPUT after PREROUTING, and to OUTPUT after mangle OUTPUT. Empty in
     * the filter table, whose own chain rejects.
     */
    public List<String> enforcementChains() {
        if (!mangle()) {
            return List.of();
        }
        return chain.equals("OUTPUT") ? List.of("OUTPUT") : List.of("FORWARD", "INPUT");
    }

    /** The TCP port list as {@link PortRange#parseList} reads it, e.g. {@code 80,8000-8100}. */
    public String portList() {
        return list(ports);
    }

    /** The UDP port list as {@link PortRange#parseList} reads it; empty if there are none. */
    public String udpPortList() {
        return list(udpPorts);
    }

    /**
     * The {@code nfqwall iptables} arguments that produce these options, e.g.
     * {@code --queue 10 --chain FORWARD --ports 80 --udp-ports 443 --mark-mask 0xffff}; written
     * into the generated document so an admin can regenerate or remove it.
     */
    public String arguments() {
        return (balanced() ? "--queues " + queueList() : "--queue " + queue)
                + (mangle() && !chain.equals("PREROUTING") ? " --table " + MANGLE : "")
                + " --chain " + chain + " --ports " + portList()
                + (udpPorts.isEmpty() ? "" : " --udp-ports " + udpPortList())
                + " --mark-mask " + hex(markMask)
                + (ipv6 ? " --ipv6" : "")
                + (failClosed ? " --fail-closed" : "")
                + (queueAcks ? " --queue-acks" : "")
                + (blocks ? " --blocks" : "")
                + (cpuFanout ? " --cpu-fanout" : "")
                + (restoreMark ? " --restore-mark" : "")
                + (dns ? " --dns" : "")
                + (steering.rulesFile() == null ? "" : " --rules " + Shell.quote(steering.rulesFile()))
                + (gre ? " --gre" : "");
    }

    /**
     * Filter hooks FORWARD, INPUT or OUTPUT; mangle hooks PREROUTING or OUTPUT, the two chains
     * before a routing decision (mangle OUTPUT re-routes a packet whose mark changed).
     */
    private static void checkPlacement(String table, String chain) {
        if (!FILTER.equals(table) && !MANGLE.equals(table)) {
            throw new IllegalArgumentException((table == null ? "table is missing" : "table \"" + table
                    + "\" is not supported") + "; expected filter (the default) or mangle (marks before routing)");
        }
        if (chain != null && FILTER.equals(table) && chain.equals("PREROUTING")) {
            throw new IllegalArgumentException("chain \"PREROUTING\" is not in the filter table; expected FORWARD,"
                    + " INPUT or OUTPUT there, or table mangle for PREROUTING");
        }
        List<String> chains = MANGLE.equals(table) ? MANGLE_CHAINS : CHAINS;
        if (chain == null || !chains.contains(chain)) {
            String got = chain == null ? "chain is missing" : "chain \"" + chain + "\" is not supported";
            throw new IllegalArgumentException(got + (MANGLE.equals(table)
                    ? " in the mangle table; expected PREROUTING (a gateway) or OUTPUT (clients on this host)"
                    : "; expected FORWARD, INPUT or OUTPUT")
                    + " (upper case, as iptables names its built-in chains)");
        }
    }

    private static String list(List<PortRange> ranges) {
        return ranges.stream().map(PortRange::toString).collect(Collectors.joining(","));
    }

    /** A port twice would be a duplicate multiport entry: say which two items collide. */
    private static void checkOverlaps(String protocol, List<PortRange> ranges) {
        for (int i = 0; i < ranges.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (ranges.get(i).overlaps(ranges.get(j))) {
                    throw new IllegalArgumentException(protocol + " ports " + ranges.get(j) + " and "
                            + ranges.get(i) + " overlap; list each port once");
                }
            }
        }
    }

    /** A mark value as iptables prints it: lower-case hex with {@code 0x}, unsigned. */
    static String hex(int bits) {
        return "0x" + Integer.toHexString(bits); // already lower case, unsigned
    }
}
