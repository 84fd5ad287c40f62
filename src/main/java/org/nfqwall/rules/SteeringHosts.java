package org.nfqwall.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the first steering rule whose host conditions hold for a host name alone, for a DNS
 * answer (which names a host and nothing else): the rules whose verdict is a mark that steers
 * ({@link RuleSet#steering}) and that have a {@code host:}/{@code host_file:} or
 * {@code host_regex:} condition, each reduced to those conditions ({@link Rule#hostConditionsOnly});
 * their other conditions (addresses, ports, path, protocol...) are not known for a DNS answer and
 * are ignored. Searched through a {@link RuleIndex} of its own, so a lookup costs one probe per
 * dot of the name however many names the rules list (host_regex rules aside, which are checked
 * one by one). The index refers to the steering rules' compiled host patterns again (the strings
 * are shared, the hash tables are its own), so a steering rule with a large {@code host_file:}
 * takes its index memory twice.
 *
 * <p>Immutable; safe from many threads (each uses its own scratch facts). A lookup allocates
 * nothing (RE2/J aside).
 */
final class SteeringHosts {
    private final RuleIndex index;
    /** For each reduced rule, the index of the rule it came from in the rule set. */
    private final int[] ruleIndexes;
    private final ThreadLocal<Facts> scratch = ThreadLocal.withInitial(Facts::new);

    SteeringHosts(Rule[] rules, MarkSteering[] steering) {
        List<Rule> reduced = new ArrayList<>();
        List<Integer> from = new ArrayList<>();
        for (int i = 0; i < rules.length; i++) {
            Rule r = rules[i];
            if (steering[i] != null && (r.hostCondition() != null || r.hostRegexCondition() != null)) {
                reduced.add(r.hostConditionsOnly());
                from.add(i);
            }
        }
        this.index = new RuleIndex(reduced.toArray(new Rule[0]));
        this.ruleIndexes = from.stream().mapToInt(Integer::intValue).toArray();
    }

    /** True when no steering rule names hosts: every lookup answers {@link RuleSet#NO_MATCH}. */
    boolean isEmpty() {
        return ruleIndexes.length == 0;
    }

    /** The rule-set index of the first steering rule whose host conditions hold for {@code host}, or {@link RuleSet#NO_MATCH}. */
    int match(String host) {
        if (ruleIndexes.length == 0 || host == null) {
            return RuleSet.NO_MATCH;
        }
        Facts f = scratch.get();
        f.clearApplication();
        f.applicationKnown = true;
        f.addHost(host);
        int i = index.match(f);
        return i < 0 ? RuleSet.NO_MATCH : ruleIndexes[i];
    }
}
