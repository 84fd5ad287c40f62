package org.nfqwall.gen;

import static org.nfqwall.gen.IptablesOptions.hex;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.nfqwall.rules.MarkBits;

/**
 * The rules a ruleset adds to the admin's built-in chains, as rule specifications after
 * {@code -A}/{@code -D} (or {@code -I CHAIN 1}/{@code -D}): apply and removal share them, so
 * removal deletes exactly what apply added. Pure functions; thread-safe.
 */
final class HookRules {
    /**
     * Most entries one multiport match holds: {@value} (the kernel's XT_MULTI_PORTS); a range
     * takes two, so longer port lists are split over several rules.
     */
    static final int MAX_MULTIPORT_SLOTS = 15;

    private HookRules() {
    }

    /** The jumps from the hooked chain into {@value IptablesRuleset#CHAIN}, TCP first. */
    static List<String> jumps(IptablesOptions o) {
        List<String> rules = new ArrayList<>();
        for (String protocol : List.of("tcp", "udp")) {
            multiportLists(ports(o, protocol)).forEach(list -> rules.add(
                    o.chain() + " -p " + protocol + " -m multiport --dports " + list + " -j " + IptablesRuleset.CHAIN));
        }
        if (o.gre()) {
            rules.add(o.chain() + " -p gre -j " + IptablesRuleset.CHAIN);
        }
        return rules;
    }

    /** With {@code --dns}: the jump of DNS answers (UDP from port 53) into the chain; else empty. */
    static List<String> dnsJumps(IptablesOptions o) {
        return o.dns() ? List.of(o.dnsChain() + " -p udp -m udp --sport 53 -j " + IptablesRuleset.CHAIN) : List.of();
    }

    /**
     * With {@code --restore-mark}: the rule inserted at the top of the hooked chain that
     * restores the rule mark on every packet of a marked connection; else empty. It leaves
     * alone a packet handed back with a verdict (its rule mark is the new decision, which the
     * connmark does not hold yet) and the packets of unmarked connections (a mark a socket set,
     * such as WireGuard's own, must survive).
     */
    static List<String> topRestores(IptablesOptions o) {
        String verdict = IptablesRuleset.markBit(MarkBits.VERDICT);
        return o.restoreMark() ? List.of(o.chain() + " -m mark ! --mark " + verdict + " -m connmark ! --mark 0x0/"
                + hex(o.markMask()) + " " + restoreMark(o)) : List.of();
    }

    /**
     * Rule marks onto the replies, TCP first. None when {@code --restore-mark} restores every
     * packet's mark at the top of a chain the replies traverse too (FORWARD, PREROUTING); the
     * replies of INPUT and OUTPUT hooks pass another chain and keep their rules.
     */
    static List<String> replyRestores(IptablesOptions o) {
        List<String> rules = new ArrayList<>();
        if (o.restoreMark() && o.replyChain().equals(o.chain())) {
            return rules;
        }
        String mask = hex(o.markMask());
        for (String protocol : List.of("tcp", "udp")) {
            multiportLists(ports(o, protocol)).forEach(list -> rules.add(
                    o.replyChain() + " -p " + protocol + " -m multiport --sports " + list
                            + " -m connmark ! --mark 0x0/" + mask + " " + restoreMark(o)));
        }
        return rules;
    }

    /** {@code -I CHAIN 1 ...}: a rule specification ({@code CHAIN ...}) inserted as the chain's first rule. */
    static String insertAtTop(String rule) {
        return "-I " + rule.replaceFirst(" ", " 1 ");
    }

    /** The CONNMARK target that copies the rule mark (only the mark mask's bits) onto the packet. */
    static String restoreMark(IptablesOptions o) {
        String mask = hex(o.markMask());
        return "-j CONNMARK --restore-mark --nfmask " + mask + " --ctmask " + mask;
    }

    /**
     * Splits the ports into multiport lists of at most {@value #MAX_MULTIPORT_SLOTS} entries,
     * in the given order, e.g. {@code 80,8000:8100}.
     */
    static List<String> multiportLists(List<PortRange> ports) {
        List<String> lists = new ArrayList<>();
        if (ports.isEmpty()) {
            return lists;
        }
        List<PortRange> current = new ArrayList<>();
        int slots = 0;
        for (PortRange range : ports) {
            if (slots + range.multiportSlots() > MAX_MULTIPORT_SLOTS) {
                lists.add(joined(current));
                current.clear();
                slots = 0;
            }
            current.add(range);
            slots += range.multiportSlots();
        }
        lists.add(joined(current));
        return lists;
    }

    private static List<PortRange> ports(IptablesOptions o, String protocol) {
        return protocol.equals("tcp") ? o.ports() : o.udpPorts();
    }

    private static String joined(List<PortRange> ranges) {
        return ranges.stream().map(PortRange::multiportSyntax).collect(Collectors.joining(","));
    }
}
