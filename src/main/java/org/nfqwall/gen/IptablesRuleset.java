package org.nfqwall.gen;

import static org.nfqwall.gen.IptablesOptions.hex;

import java.util.ArrayList;
import java.util.List;
import org.nfqwall.rules.MarkBits;

/**
 * Writes the iptables-restore documents that hook nfqwall into the filter table, or the mangle
 * table (with a small filter part, {@link RejectEnforcement}), next to an admin's own rules
 * ({@link #apply}) and take it out again ({@link #remove}). Both are meant for
 * {@code iptables-legacy-restore --noflush} (or {@code ip6tables-legacy-restore}), which
 * commits each table of a document as a whole or not at all. Pure functions of {@link IptablesOptions};
 * stateless and thread-safe.
 *
 * <p>The contract with the daemon: it answers NF_ACCEPT, NF_DROP, or NF_REPEAT with a packet
 * mark of {@link MarkBits#VERDICT} plus {@link MarkBits#REJECT}, {@link MarkBits#DROP}, or a rule
 * mark inside the mark mask and/or {@link MarkBits#OFFLOAD}. NF_REPEAT runs the hook's chain
 * again from its top, so the packet comes back into {@value #CHAIN}, whose first rules act on the
 * mark before the queue rule: such a packet is never queued twice. A connection whose connmark
 * holds REJECT, DROP or OFFLOAD is decided in the kernel from then on and never queued again.
 */
public final class IptablesRuleset {
    /** The chain the hooked packets jump to; it ends in the queue rule. */
    public static final String CHAIN = "NFQWALL";
    /** The chain that carries out verdicts the daemon handed back with NF_REPEAT. */
    public static final String VERDICT_CHAIN = "NFQWALL-VERDICT";
    /**
     * Most entries one multiport match holds: {@value} (the kernel's XT_MULTI_PORTS); a range
     * takes two, so longer port lists are split over several rules.
     */
    public static final int MAX_MULTIPORT_SLOTS = HookRules.MAX_MULTIPORT_SLOTS;

    /** The sets of timed blocks on one address: source or destination, IPv4 or IPv6. */
    public static String blockSetName(boolean source, boolean ipv6) {
        return "nfqwall-" + (source ? "src" : "dst") + (ipv6 ? "6" : "");
    }

    /**
     * The {@code ipset create ... -exist} commands for the four block sets: {@code hash:net},
     * {@code timeout 0} so that each entry carries its own timeout and the kernel expires it.
     */
    public static List<List<String>> ipsetCreateCommands() {
        List<List<String>> cmds = new ArrayList<>();
        for (boolean ipv6 : new boolean[] {false, true}) {
            for (boolean source : new boolean[] {true, false}) {
                cmds.add(List.of("ipset", "create", blockSetName(source, ipv6), "hash:net", "family",
                        ipv6 ? "inet6" : "inet", "timeout", "0", "-exist"));
            }
        }
        return cmds;
    }

    private IptablesRuleset() {
    }

    /** The document that creates both chains and the jumps into them. */
    public static String apply(IptablesOptions o) {
        String mask = hex(o.markMask());
        String savedBits = hex(o.markMask() | MarkBits.OFFLOAD);
        String reject = markBit(MarkBits.REJECT);
        String drop = markBit(MarkBits.DROP);
        String markedConnection = "-m connmark ! --mark 0x0/" + mask;

        GeneratedText d = new GeneratedText();
        header(d, o, false);
        d.comment("Remove: nfqwall iptables " + o.arguments() + " --remove | " + o.restoreCommand()
                + " --noflush");
        d.comment("Update: remove with the old options, then apply the new ones. Applying twice keeps");
        d.comment("one copy of each chain but appends the jumps from " + o.chain() + " again.");
        d.comment("Mark bits: " + hex(MarkBits.VERDICT) + " verdict, " + hex(MarkBits.REJECT) + " reject, "
                + hex(MarkBits.DROP) + " drop, " + hex(MarkBits.OFFLOAD) + " offload (accepted in the kernel);");
        d.comment("rule marks use " + mask + " (the mark mask); no other bit is touched.");
        RejectEnforcement.apply(d, o);
        d.line("*" + o.table());
        d.comment(CHAIN + ": decide in the kernel what is already decided, queue the rest to nfqwall.");
        d.line(":" + CHAIN + " - [0:0]");
        d.comment(VERDICT_CHAIN + ": carry out a verdict nfqwall handed back (NF_REPEAT with a mark).");
        d.line(":" + VERDICT_CHAIN + " - [0:0]");
        if (o.restoreMark()) {
            d.comment("--restore-mark: every packet of a marked connection, both directions, all protocols and ports,");
            d.comment("carries the rule mark " + (o.mangle() ? "before the routing decision" : "in " + o.chain())
                    + " and for tc. Inserted at the top of " + o.chain() + ". Not a packet");
            d.comment("handed back with a verdict (its new rule mark is not in the connmark yet), and not the packets of");
            d.comment("unmarked connections (a mark a socket set, such as a VPN's own, stays).");
            HookRules.topRestores(o).forEach(rule -> d.line(HookRules.insertAtTop(rule)));
        }

        if (o.blocks()) {
            d.comment("Timed blocks (nfqwall block): addresses in these sets are dropped first, before the");
            d.comment("offload accept, so connections already accepted for good are cut too. The sets must exist:");
            for (List<String> create : ipsetCreateCommands()) {
                d.comment("  " + String.join(" ", create));
            }
            d.comment("(the daemon creates them at start).");
            d.line("-A " + CHAIN + " -m set --match-set " + blockSetName(true, o.ipv6()) + " src -j DROP");
            d.line("-A " + CHAIN + " -m set --match-set " + blockSetName(false, o.ipv6()) + " dst -j DROP");
        }
        d.comment("The rest of a rejected or dropped connection: decided here, never queued again.");
        if (o.mangle()) {
            d.comment("REJECT exists only in the filter table: a rejected connection is accepted here and reset there");
            d.comment("by " + RejectEnforcement.CHAIN + ".");
            d.line("-A " + CHAIN + " -m connmark --mark " + reject + " -j ACCEPT");
        } else {
            d.line("-A " + CHAIN + " -p tcp -m connmark --mark " + reject + " -j REJECT --reject-with tcp-reset");
            if (!o.udpPorts().isEmpty() || o.dns()) {
                d.comment("A TCP reset is for TCP only: the rest of a rejected UDP flow is dropped.");
                d.line("-A " + CHAIN + " -p udp -m connmark --mark " + reject + " -j DROP");
            }
        }
        d.line("-A " + CHAIN + " -m connmark --mark " + drop + " -j DROP");
        d.comment("A packet nfqwall handed back with a verdict: carry it out, never queue it again.");
        d.line("-A " + CHAIN + " -m mark --mark " + markBit(MarkBits.VERDICT) + " -j " + VERDICT_CHAIN);
        SteeringRules.write(d, o);
        d.comment("A connection marked by a rule: every packet carries the rule mark, also while inspected.");
        d.line("-A " + CHAIN + " " + markedConnection + " " + HookRules.restoreMark(o));
        d.comment("The rest of a connection nfqwall accepted for good (offload): accepted here, with its");
        d.comment("rule mark, never queued again.");
        d.line("-A " + CHAIN + " -m connmark --mark " + markBit(MarkBits.OFFLOAD) + " -j ACCEPT");
        if (!o.queueAcks()) {
            pureAcks(d, o);
        }
        String queues = o.balanced() ? "queues " + o.queueList() : "queue " + o.queue();
        if (o.balanced()) {
            d.comment(o.cpuFanout()
                    ? "Balanced over " + queues + " by the CPU that handles the packet (--queue-cpu-fanout): right only"
                            + " where each flow stays on one CPU (NIC RSS or RPS)."
                    : "Balanced over " + queues + " by a hash of the addresses and protocol: a flow always lands on"
                            + " one queue.");
        }
        if (o.failClosed()) {
            d.comment("Everything else goes to nfqwall. Fail-closed: while no nfqwall listens on " + queues
                    + ", these packets are dropped.");
        } else {
            d.comment("Everything else goes to nfqwall. Fail-open (--queue-bypass): while no nfqwall"
                    + " listens on " + queues + ", these packets pass.");
        }
        d.line("-A " + CHAIN + " -j NFQUEUE " + o.queueTarget());

        if (o.mangle()) {
            d.comment("Reject: remember it in the connmark and accept: " + RejectEnforcement.CHAIN + " in the filter table"
                    + " resets the client (TCP)");
            d.comment("or drops the packet (other protocols) right after the routing decision.");
            d.line("-A " + VERDICT_CHAIN + " -m mark --mark " + reject + " -j CONNMARK --set-xmark " + reject);
            d.line("-A " + VERDICT_CHAIN + " -m mark --mark " + reject + " -j ACCEPT");
        } else {
            d.comment("Reject: remember it in the connmark, then reset the client (TCP) or drop (other protocols).");
            d.line("-A " + VERDICT_CHAIN + " -m mark --mark " + reject + " -j CONNMARK --set-xmark " + reject);
            d.line("-A " + VERDICT_CHAIN + " -p tcp -m mark --mark " + reject + " -j REJECT --reject-with tcp-reset");
            d.line("-A " + VERDICT_CHAIN + " -m mark --mark " + reject + " -j DROP");
        }
        d.comment("Drop: remember it in the connmark, then drop.");
        d.line("-A " + VERDICT_CHAIN + " -m mark --mark " + drop + " -j CONNMARK --set-xmark " + drop);
        d.line("-A " + VERDICT_CHAIN + " -m mark --mark " + drop + " -j DROP");
        d.comment("Accept: save the rule mark and the offload bit in the connmark, clear the reserved bits");
        d.comment("so that fwmark rules see only the rule mark, accept.");
        d.line("-A " + VERDICT_CHAIN + " -j CONNMARK --save-mark --nfmask " + savedBits + " --ctmask " + savedBits);
        d.line("-A " + VERDICT_CHAIN + " -j MARK --set-xmark 0x0/" + hex(MarkBits.RESERVED_MASK));
        d.line("-A " + VERDICT_CHAIN + " -j ACCEPT");

        d.comment("Hook: " + protocols(o) + " to the inspected ports goes through " + CHAIN + " (at most "
                + MAX_MULTIPORT_SLOTS + " multiport entries a rule, a range takes two).");
        d.comment("Appended: " + o.chain() + " rules before these still decide first.");
        if (o.gre()) {
            d.comment("GRE (--gre): every tunnel packet, both directions, goes through " + CHAIN + "; nfqwall decides");
            d.comment("the packet inside it and answers NF_ACCEPT or NF_DROP only, never the mark bits above: the");
            d.comment("tunnel is one connection to conntrack, so a connmark would decide all its inner flows.");
        }
        HookRules.jumps(o).forEach(rule -> d.line("-A " + rule));
        if (o.dns()) {
            d.comment("--dns: DNS answers (UDP from port 53) in " + o.dnsChain() + " go through " + CHAIN
                    + " too, so nfqwall learns the addresses");
            d.comment("of steered host names before the client connects to them.");
            HookRules.dnsJumps(o).forEach(rule -> d.line("-A " + rule));
        }
        List<String> replies = HookRules.replyRestores(o);
        if (!replies.isEmpty()) {
            d.comment("The reply direction of a marked connection carries the rule mark too.");
            replies.forEach(rule -> d.line("-A " + rule));
        }
        d.line("COMMIT");
        return d.toString();
    }

    /** The rule that accepts data-less ACKs before the queue, with the comment that says why. */
    private static void pureAcks(GeneratedText d, IptablesOptions o) {
        d.comment("Data-less ACKs (flags exactly ACK among SYN/ACK/FIN/RST, no payload) teach nfqwall nothing");
        d.comment("and are most of what a client sends during a download: accept them here. The length");
        d.comment("match cannot subtract header sizes, so u32 reads the TCP data offset D and checks that the");
        d.comment("packet holds " + (o.ipv6() ? "40" : "20") + " + 4*D bytes (@ reads there) but not one more"
                + " (the negated u32).");
        d.comment(o.ipv6()
                ? "Only IPv6 whose next header is TCP: with extension headers the packet is queued."
                : "Only IPv4 without options, not a fragment: anything else is queued.");
        d.comment("Generate with --queue-acks to queue them too.");
        d.line("-A " + CHAIN + " -p tcp " + PureAckMatch.matches(o.ipv6()) + " -j ACCEPT");
    }

    /**
     * The document that deletes exactly the rules {@link #apply} added to the built-in chains for
     * the same options, then empties and deletes its chains. It fails as a whole, changing
     * nothing, if those rules are not there (or are there twice, since a chain still referenced
     * cannot be deleted).
     */
    public static String remove(IptablesOptions o) {
        GeneratedText d = new GeneratedText();
        header(d, o, true);
        d.comment("Re-apply: nfqwall iptables " + o.arguments() + " | " + o.restoreCommand() + " --noflush");
        d.comment("Changes nothing and fails if the ruleset was not applied with exactly these options.");
        d.line("*" + o.table());
        d.comment("The jumps into " + CHAIN + " and the reply-direction rules, exactly as applied.");
        HookRules.jumps(o).forEach(rule -> d.line("-D " + rule));
        HookRules.replyRestores(o).forEach(rule -> d.line("-D " + rule));
        if (o.dns() || o.restoreMark()) {
            d.comment("The " + (o.dns() ? "DNS answers' jump" + (o.restoreMark() ? " and the " : "") : "")
                    + (o.restoreMark() ? "restore at the top of " + o.chain() : "") + ".");
            HookRules.dnsJumps(o).forEach(rule -> d.line("-D " + rule));
            HookRules.topRestores(o).forEach(rule -> d.line("-D " + rule));
        }
        d.comment("Empty both chains first (" + CHAIN + " jumps to " + VERDICT_CHAIN + "), then delete them.");
        d.line("-F " + CHAIN);
        d.line("-F " + VERDICT_CHAIN);
        d.line("-X " + CHAIN);
        d.line("-X " + VERDICT_CHAIN);
        d.line("COMMIT");
        RejectEnforcement.remove(d, o);
        return d.toString();
    }

    /**
     * Splits the ports into multiport lists of at most {@value #MAX_MULTIPORT_SLOTS} entries,
     * in the given order, e.g. {@code 80,8000:8100}.
     */
    static List<String> multiportLists(List<PortRange> ports) {
        return HookRules.multiportLists(ports);
    }

    private static void header(GeneratedText d, IptablesOptions o, boolean remove) {
        d.comment("nfqwall: " + (remove ? "removes the ruleset that sends" : "sends")
                + " TCP to ports " + o.portList()
                + (o.udpPorts().isEmpty() ? "" : (o.dns() ? ", " : " and ") + "UDP to ports " + o.udpPortList())
                + (o.dns() ? " and DNS answers" : "")
                + " in " + o.placement() + " to NFQUEUE " + o.queueList()
                + (o.ipv6() ? " (IPv6)." : " (IPv4)."));
        d.comment("Generated by: nfqwall iptables " + o.arguments() + (remove ? " --remove" : "")
                + ", for " + o.restoreCommand() + " --noflush");
    }

    /** "TCP", or "TCP and UDP" when UDP ports are inspected too. */
    private static String protocols(IptablesOptions o) {
        return o.udpPorts().isEmpty() ? "TCP" : "TCP and UDP";
    }

    /** One bit as a mark match value/mask, e.g. {@code 0x40000000/0x40000000}. */
    static String markBit(int bit) {
        return hex(bit) + "/" + hex(bit);
    }
}
