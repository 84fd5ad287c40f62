package org.nfqwall.gen;

import java.util.ArrayList;
import java.util.List;
import org.nfqwall.rules.MarkDefinition;
import org.nfqwall.rules.MarkSteering;
import org.nfqwall.rules.RuleSet;

/**
 * The kernel ipsets that steer whole connections to a mark from their first packet: one
 * {@code hash:ip} set per steering mark and address family, named by the mark's value (so a
 * renamed mark keeps its addresses), e.g. {@code nfqwall-mark-0x10} and {@code nfqwall-mark6-0x10}.
 * Every entry carries its own timeout ({@code timeout} in the set's definition is the default the
 * daemon renews on each sighting); {@code maxelem} bounds the set. Pure functions; thread-safe.
 */
public final class SteeringSets {
    private SteeringSets() {
    }

    /** The set of one steering mark and family: at most 31 characters, as ipset requires. */
    public static String name(int markValue, boolean ipv6) {
        return "nfqwall-mark" + (ipv6 ? "6" : "") + "-0x" + Integer.toHexString(markValue);
    }

    /** The {@code ipset create ... -exist} command for one mark and family. */
    public static List<String> createCommand(int markValue, MarkSteering steering, boolean ipv6) {
        return List.of("ipset", "create", name(markValue, ipv6), "hash:ip", "family", ipv6 ? "inet6" : "inet",
                "timeout", String.valueOf(steering.timeoutSeconds()), "maxelem",
                String.valueOf(steering.maxAddresses()), "-exist");
    }

    /** The create commands of every steering mark of a rule set, IPv4 then IPv6 for each mark. */
    public static List<List<String>> createCommands(RuleSet rules) {
        List<List<String>> cmds = new ArrayList<>();
        for (MarkDefinition m : rules.markDefinitions().values()) {
            if (m.steering() != null) {
                cmds.add(createCommand(m.value(), m.steering(), false));
                cmds.add(createCommand(m.value(), m.steering(), true));
            }
        }
        return cmds;
    }
}
