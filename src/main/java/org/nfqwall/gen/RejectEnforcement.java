package org.nfqwall.gen;

import static org.nfqwall.gen.IptablesOptions.hex;

import java.util.List;
import org.nfqwall.rules.MarkBits;

/**
 * The filter part of a mangle-placed ruleset: REJECT exists only in the filter table, so the
 * mangle rules remember a reject in the connmark and accept, and this part, jumped to from the
 * top of the filter chains the packets reach next ({@link IptablesOptions#enforcementChains}),
 * resets the rest of such a connection (TCP) or drops it (other protocols), in both directions.
 * Pure functions; thread-safe.
 */
final class RejectEnforcement {
    /** The filter chain that resets or drops connections whose connmark has the REJECT bit. */
    static final String CHAIN = "NFQWALL-REJECT";

    private RejectEnforcement() {
    }

    /**
     * Writes the {@code *filter} table of the apply document, to come before the mangle table:
     * iptables-restore commits each table at its COMMIT, so rejects are enforced before the
     * mangle rules start to accept them. Nothing for a filter placement.
     */
    static void apply(GeneratedText d, IptablesOptions o) {
        if (!o.mangle()) {
            return;
        }
        d.comment("iptables-restore commits each table at its COMMIT: this filter part comes first, so that a");
        d.comment("reject is carried out before the mangle part below hands one over.");
        d.line("*filter");
        d.comment(CHAIN + ": REJECT exists only in the filter table. A connection the mangle rules rejected (connmark");
        d.comment("bit " + hex(MarkBits.REJECT) + ") is reset here (TCP) or dropped (other protocols), right after the"
                + " routing decision, in both directions.");
        d.line(":" + CHAIN + " - [0:0]");
        d.line("-A " + CHAIN + " -p tcp -j REJECT --reject-with tcp-reset");
        d.line("-A " + CHAIN + " -j DROP");
        d.comment("Inserted at the top of " + String.join(" and ", o.enforcementChains()) + ", where the packets go after "
                + o.placement() + ": before your own rules,");
        d.comment("so that none of them accepts a rejected connection.");
        jumps(o).forEach(rule -> d.line(HookRules.insertAtTop(rule)));
        d.line("COMMIT");
    }

    /**
     * Writes the {@code *filter} table of the removal document, to come after the mangle table,
     * which hands rejects over; nothing for a filter placement.
     */
    static void remove(GeneratedText d, IptablesOptions o) {
        if (!o.mangle()) {
            return;
        }
        d.line("*filter");
        d.comment("The jumps into " + CHAIN + ", exactly as applied, then the chain.");
        jumps(o).forEach(rule -> d.line("-D " + rule));
        d.line("-F " + CHAIN);
        d.line("-X " + CHAIN);
        d.line("COMMIT");
    }

    /** Rule specifications after {@code -D} (and after {@code -I} with the position inserted). */
    private static List<String> jumps(IptablesOptions o) {
        String reject = IptablesRuleset.markBit(MarkBits.REJECT);
        return o.enforcementChains().stream().map(c -> c + " -m connmark --mark " + reject + " -j " + CHAIN).toList();
    }
}
