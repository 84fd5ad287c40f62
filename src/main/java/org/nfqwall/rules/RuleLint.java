package org.nfqwall.rules;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds what is legal but probably wrong in a rules file that has loaded without errors
 * ({@code nfqwall check --lint}):
 * <ul>
 *   <li>a rule that duplicates an earlier one (the same conditions, whatever the order of list
 *       entries), saying whether the verdict is the same;</li>
 *   <li>a rule that can never match: an earlier rule matches everything it matches, or its own
 *       conditions exclude each other (a path and a tls condition, say);</li>
 *   <li>a rule that overlaps an earlier rule with another verdict, where the earlier rule is
 *       broader in at least one condition and the overlap is certain: the overlap gets the earlier
 *       verdict;</li>
 *   <li>groups and marks that no rule uses.</li>
 * </ul>
 * Sound rather than complete: a warning is given only when it is proven (see
 * {@link RuleContainment}); a comparison that would need guessing gives none. Stateless.
 */
public final class RuleLint {
    private RuleLint() {
    }

    /** Lints a file that {@link RulesLoader#load} has loaded as {@code rules}; reads it again for positions. */
    public static List<LintWarning> lint(RuleSet rules, Path file) throws IOException {
        return lint(rules, Files.readString(file, StandardCharsets.UTF_8));
    }

    /**
     * Lints rules loaded from {@code yamlText}.
     *
     * @return the warnings, sorted by line and column; empty when there is nothing to say
     */
    public static List<LintWarning> lint(RuleSet rules, String yamlText) {
        RuleFileOutline outline = RuleFileOutline.of(yamlText);
        List<LintWarning> out = new ArrayList<>();
        List<LintConditions> all = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            all.add(LintConditions.of(rules.rule(i), outline));
        }
        boolean[] dead = new boolean[all.size()];
        for (int i = 0; i < all.size(); i++) {
            String warning = deadRule(all, i);
            if (warning != null) {
                dead[i] = true;
                out.add(at(rules, all.get(i).rule, warning));
            }
        }
        for (int i = 0; i < all.size(); i++) {
            if (!dead[i]) {
                for (int j = 0; j < i; j++) {
                    if (!dead[j] && conflicts(all.get(j), all.get(i))) {
                        out.add(at(rules, all.get(i).rule, conflictMessage(all.get(j).rule, all.get(i).rule)));
                    }
                }
            }
        }
        unused(rules, outline, out);
        out.sort(Comparator.comparingInt(LintWarning::line).thenComparingInt(LintWarning::column));
        return out;
    }

    /** The duplicate or can-never-match warning for rule {@code i}, or null. */
    private static String deadRule(List<LintConditions> all, int i) {
        LintConditions b = all.get(i);
        String never = RuleContainment.unsatisfiable(b);
        if (never != null) {
            return describe(b.rule) + " can never match: " + never;
        }
        for (int j = 0; j < i; j++) {
            LintConditions a = all.get(j);
            if (!RuleContainment.covers(a, b)) {
                continue;
            }
            if (RuleContainment.covers(b, a)) {
                String verdicts = sameVerdict(a.rule, b.rule)
                        ? "and the same verdict (" + verdict(a.rule) + ")"
                        : "but verdict " + verdict(b.rule) + " instead of " + verdict(a.rule);
                return describe(b.rule) + " duplicates " + describe(a.rule) + " (line " + a.rule.line()
                        + "): the same conditions " + verdicts + ", so it never matches";
            }
            return describe(b.rule) + " can never match: " + describe(a.rule) + " (line " + a.rule.line()
                    + ") matches everything it matches";
        }
        return null;
    }

    private static boolean conflicts(LintConditions earlier, LintConditions later) {
        return !sameVerdict(earlier.rule, later.rule) && RuleContainment.broaderSomewhere(earlier, later)
                && RuleContainment.overlapsCertainly(earlier, later);
    }

    private static String conflictMessage(Rule earlier, Rule later) {
        return describe(later) + " (line " + later.line() + ") overlaps " + describe(earlier) + " (line "
                + earlier.line() + "), which decides the overlap as " + verdict(earlier) + ", not "
                + verdict(later);
    }

    private static void unused(RuleSet rules, RuleFileOutline outline, List<LintWarning> out) {
        for (Map.Entry<String, RuleFileOutline.Position> g : outline.groups.entrySet()) {
            if (rules.groups().containsKey(g.getKey()) && !outline.mentioned.contains(g.getKey())) {
                out.add(new LintWarning(rules.source(), g.getValue().line(), g.getValue().column(),
                        "group " + YamlValues.quote(g.getKey()) + " is never used: no rule names it in src or dst"));
            }
        }
        Set<String> usedMarks = new HashSet<>();
        for (int i = 0; i < rules.size(); i++) {
            if (rules.rule(i).markName() != null) {
                usedMarks.add(rules.rule(i).markName());
            }
        }
        for (Map.Entry<String, RuleFileOutline.Position> m : outline.marks.entrySet()) {
            if (rules.marks().containsKey(m.getKey()) && !usedMarks.contains(m.getKey())) {
                out.add(new LintWarning(rules.source(), m.getValue().line(), m.getValue().column(),
                        "mark " + YamlValues.quote(m.getKey()) + " is never used: no rule's verdict is {mark: "
                                + m.getKey() + "}"));
            }
        }
    }

    private static LintWarning at(RuleSet rules, Rule rule, String message) {
        return new LintWarning(rules.source(), rule.line(), rule.column(), message);
    }

    private static String describe(Rule rule) {
        return "rule " + YamlValues.quote(rule.name());
    }

    private static boolean sameVerdict(Rule a, Rule b) {
        return a.verdict() == b.verdict() && a.mark() == b.mark();
    }

    private static String verdict(Rule rule) {
        return RuleExplainer.verdictText(rule);
    }
}
