package org.nfqwall.gen;

import static org.nfqwall.gen.IptablesOptions.hex;

import java.util.List;
import org.nfqwall.rules.MarkDefinition;

/**
 * The rules that steer a whole connection from its first packet ({@code --rules FILE}): a new,
 * still unmarked connection to an address in a steering mark's set gets that mark in its
 * connmark, before any inspection, so the routing decision of its very first packet already
 * sees the mark. Pure functions; thread-safe.
 */
final class SteeringRules {
    private SteeringRules() {
    }

    /**
     * Writes the steering block of {@value IptablesRuleset#CHAIN}: one rule per steering mark,
     * in file order, and the commands that create the sets, as comments. Writes nothing without
     * steering marks. The block must come before the chain's connmark restore, which then puts
     * the mark on the packet.
     */
    static void write(GeneratedText d, IptablesOptions o) {
        List<MarkDefinition> marks = o.steering().marks();
        if (marks.isEmpty()) {
            return;
        }
        String mask = hex(o.markMask());
        d.comment("Steering (--rules " + o.steering().rulesFile() + "): a new connection to an address nfqwall remembered"
                + " for a steering mark");
        d.comment("gets the mark in its connmark at its first packet, so it is routed by the mark from the start");
        d.comment("(the restore rule below puts it on the packet). A connection marked already keeps its mark.");
        d.comment("The sets must exist before this document is applied (nfqwall routing --rules FILE creates them):");
        for (MarkDefinition m : marks) {
            d.comment("  " + String.join(" ", SteeringSets.createCommand(m.value(), m.steering(), o.ipv6())));
        }
        for (MarkDefinition m : marks) {
            d.line("-A " + IptablesRuleset.CHAIN + " -m conntrack --ctstate NEW -m connmark --mark 0x0/" + mask
                    + " -m set --match-set " + SteeringSets.name(m.value(), o.ipv6()) + " dst -j CONNMARK --set-xmark "
                    + hex(m.value()) + "/" + mask);
        }
    }
}
