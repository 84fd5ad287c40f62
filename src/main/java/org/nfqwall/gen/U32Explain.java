package org.nfqwall.gen;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Comment lines that say what each clause of a generated u32 rule tests, one line per clause,
 * for {@code nfqwall u32 gre --explain}. Pure functions; stateless and thread-safe.
 */
public final class U32Explain {
    private static final U32Clause PROTOCOL = new U32Clause("-p gre",
            "IP protocol 47; u32 does not look at the protocol itself");

    private U32Explain() {
    }

    /**
     * The comment lines for rule {@code number} (from 1) of {@code count}: a heading naming the
     * rule's keys, then each clause's text and meaning, columns aligned; every line starts with
     * {@code #} and ends with a newline.
     */
    public static String comments(GreKeyMatch.Rule rule, int number, int count) {
        List<U32Clause> lines = new ArrayList<>();
        lines.add(PROTOCOL);
        lines.addAll(rule.clauses());
        int width = lines.stream().mapToInt(c -> c.text().length()).max().orElse(0);
        StringBuilder out = new StringBuilder();
        out.append("# rule ").append(number).append(" of ").append(count).append(": GRE key ")
                .append(rule.keys().stream().map(GreKey::toString).collect(Collectors.joining(", "))).append('\n');
        for (U32Clause c : lines) {
            out.append("#   ").append(c.text()).append(" ".repeat(width - c.text().length() + 2))
                    .append(c.meaning()).append('\n');
        }
        return out.toString();
    }
}
