package org.nfqwall.gen;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The text {@code nfqwall u32 gre} prints for iptables: the rules' matches alone, one line per
 * rule, or a whole {@code iptables-restore} document. Pure functions; stateless and thread-safe.
 */
public final class GreKeyIptables {
    /** The tables a GRE key rule may go in. */
    public static final Set<String> TABLES = Set.of("filter", "mangle", "raw");
    /** iptables chain and target names: {@code XT_EXTENSION_MAXNAMELEN} - 1 characters at most. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,28}");

    /** Where the rules of a restore document go and what they do. Immutable, validated. */
    public record Placement(String table, String chain, String jump) {
        /** Checks the names; throws {@link IllegalArgumentException} saying what to fix. */
        public Placement {
            if (!TABLES.contains(table)) {
                throw new IllegalArgumentException("--table \"" + table + "\": expected filter, mangle or raw");
            }
            if (!NAME.matcher(chain).matches() || chain.startsWith("-")) {
                throw new IllegalArgumentException("--chain \"" + chain + "\": expected a chain name, up to 28"
                        + " letters, digits, '_', '.' or '-', e.g. FORWARD");
            }
            if (!NAME.matcher(jump).matches() || jump.startsWith("-")) {
                throw new IllegalArgumentException("--jump \"" + jump + "\": expected one target or chain name"
                        + " without options, e.g. ACCEPT, DROP or a chain of your own");
            }
        }
    }

    private GreKeyIptables() {
    }

    /** One line per rule, {@code -p gre -m u32 --u32 "..."}, each after its comments if {@code explain}. */
    public static String matches(GreKeySpec spec, boolean explain) {
        GeneratedText out = new GeneratedText();
        List<GreKeyMatch.Rule> rules = GreKeyMatch.rules(spec);
        for (int i = 0; i < rules.size(); i++) {
            if (explain) {
                out.lines(U32Explain.comments(rules.get(i), i + 1, rules.size()));
            }
            out.line(rules.get(i).iptablesArgs());
        }
        return out.toString();
    }

    /**
     * An {@code iptables-restore} document that appends the rules to {@code placement}'s chain;
     * for {@code iptables-legacy-restore --noflush}, which keeps the rules already there.
     * {@code command} is the command line that generated it, for the heading comment.
     */
    public static String restoreDocument(GreKeySpec spec, Placement placement, boolean explain, String command) {
        return document(spec, placement, explain, command, "-A ");
    }

    /**
     * The document that deletes exactly the rules {@link #restoreDocument} appends (one copy of
     * each; iptables-restore fails as a whole, changing nothing, if one is missing).
     */
    public static String removeDocument(GreKeySpec spec, Placement placement, String command) {
        return document(spec, placement, false, command, "-D ");
    }

    private static String document(GreKeySpec spec, Placement placement, boolean explain, String command,
                                   String operation) {
        GeneratedText d = new GeneratedText();
        d.comment(command);
        d.comment((operation.equals("-A ") ? "GRE over IPv4 with these keys; apply:" : "removes those rules:")
                + " ... | iptables-legacy-restore --noflush");
        if (operation.equals("-A ")) {
            d.comment("remove: the same options plus --remove, piped the same way");
        }
        d.line("*" + placement.table());
        List<GreKeyMatch.Rule> rules = GreKeyMatch.rules(spec);
        for (int i = 0; i < rules.size(); i++) {
            if (explain) {
                d.lines(U32Explain.comments(rules.get(i), i + 1, rules.size()));
            }
            d.line(operation + placement.chain() + " " + rules.get(i).iptablesArgs() + " -j " + placement.jump());
        }
        d.line("COMMIT");
        return d.toString();
    }
}
