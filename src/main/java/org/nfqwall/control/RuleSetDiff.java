package org.nfqwall.control;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.nfqwall.rules.MarkDefinition;
import org.nfqwall.rules.Rule;
import org.nfqwall.rules.RuleSet;
import org.nfqwall.rules.Verdict;

/**
 * What replacing one rule set by another would change, rule by rule (rules are matched by
 * name): rules added, rules removed, rules changed (their conditions, verdict or place in the
 * order), and the default verdict and mark mask. For {@code nfqwall reload --dry-run}.
 *
 * <p>A rule counts as moved when its order relative to the other kept rules changed; the
 * fewest rules that explain the new order are reported (the others kept theirs). A rule that
 * only moved to another line (comments added above it) has not changed. Immutable.
 *
 * @param added rules only in the new set
 * @param removed rules only in the old set (their line in the old file)
 * @param changed rules in both whose conditions, verdict or order differ, each with what changed
 * @param settings changes of {@code default}, {@code mark_mask} and {@code marks:}, e.g.
 *                 {@code default: accept -> drop}, {@code mark vpn: 0x10 -> 0x10, table 100}
 */
public record RuleSetDiff(List<RuleChange> added, List<RuleChange> removed, List<RuleChange> changed,
                          List<String> settings) {
    /**
     * One rule of the diff.
     *
     * @param name the rule's name
     * @param line its line in the new file (the old one for a removed rule)
     * @param details what changed ({@code path: "/a*" -> "/a*", "/b*"}); for an added rule its verdict
     */
    public record RuleChange(String name, int line, List<String> details) {
        public RuleChange {
            details = List.copyOf(details);
        }
    }

    public RuleSetDiff {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        changed = List.copyOf(changed);
        settings = List.copyOf(settings);
    }

    /** Compares the rules in force ({@code before}) with the candidate ({@code after}). */
    public static RuleSetDiff between(RuleSet before, RuleSet after) {
        Map<String, Integer> oldIndex = new HashMap<>();
        for (int i = 0; i < before.size(); i++) {
            oldIndex.put(before.rule(i).name(), i);
        }
        Map<String, Integer> newIndex = new HashMap<>();
        for (int i = 0; i < after.size(); i++) {
            newIndex.put(after.rule(i).name(), i);
        }
        List<RuleChange> added = new ArrayList<>();
        List<Integer> keptOldOrder = new ArrayList<>();
        List<Rule> kept = new ArrayList<>();
        for (int i = 0; i < after.size(); i++) {
            Rule r = after.rule(i);
            Integer j = oldIndex.get(r.name());
            if (j == null) {
                added.add(new RuleChange(r.name(), r.line(), List.of(verdictText(r))));
            } else {
                kept.add(r);
                keptOldOrder.add(j);
            }
        }
        List<RuleChange> removed = new ArrayList<>();
        for (int i = 0; i < before.size(); i++) {
            Rule r = before.rule(i);
            if (!newIndex.containsKey(r.name())) {
                removed.add(new RuleChange(r.name(), r.line(), List.of()));
            }
        }
        boolean[] inPlace = longestIncreasing(keptOldOrder);
        List<RuleChange> changed = new ArrayList<>();
        for (int k = 0; k < kept.size(); k++) {
            Rule now = kept.get(k);
            int oldAt = keptOldOrder.get(k);
            List<String> details = conditionChanges(before.rule(oldAt), now);
            if (!inPlace[k]) {
                details.add("moved: rule " + (newIndex.get(now.name()) + 1) + " of " + after.size()
                        + " (was " + (oldAt + 1) + " of " + before.size() + ")");
            }
            if (!details.isEmpty()) {
                changed.add(new RuleChange(now.name(), now.line(), details));
            }
        }
        List<String> settings = new ArrayList<>();
        if (before.defaultVerdict() != after.defaultVerdict()) {
            settings.add("default: " + before.defaultVerdict().label() + " -> " + after.defaultVerdict().label());
        }
        if (before.markMask() != after.markMask()) {
            settings.add(String.format("mark_mask: 0x%x -> 0x%x", before.markMask(), after.markMask()));
        }
        markChanges(before.markDefinitions(), after.markDefinitions(), settings);
        return new RuleSetDiff(added, removed, changed, settings);
    }

    /** Marks added, removed or changed (value, routing, steering, shaping), in file order. */
    private static void markChanges(Map<String, MarkDefinition> before, Map<String, MarkDefinition> after,
            List<String> settings) {
        after.forEach((name, now) -> {
            MarkDefinition was = before.get(name);
            if (was == null) {
                settings.add("mark " + name + ": added: " + now.describe());
            } else if (!was.describe().equals(now.describe())) {
                settings.add("mark " + name + ": " + was.describe() + " -> " + now.describe());
            }
        });
        before.forEach((name, was) -> {
            if (!after.containsKey(name)) {
                settings.add("mark " + name + ": removed (was " + was.describe() + ")");
            }
        });
    }

    /** True when nothing would change. */
    public boolean empty() {
        return added.isEmpty() && removed.isEmpty() && changed.isEmpty() && settings.isEmpty();
    }

    /**
     * One line per change, for people: {@code + rule "x" (line 9): drop}, {@code - rule "y" (was
     * line 4)}, {@code ~ rule "z" (line 12): path: ... -> ...}, {@code ~ default: accept -> drop}.
     */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        for (RuleChange c : added) {
            out.add("+ rule \"" + c.name() + "\" (line " + c.line() + "): " + String.join("; ", c.details()));
        }
        for (RuleChange c : removed) {
            out.add("- rule \"" + c.name() + "\" (was line " + c.line() + ")");
        }
        for (RuleChange c : changed) {
            for (String d : c.details()) {
                out.add("~ rule \"" + c.name() + "\" (line " + c.line() + "): " + d);
            }
        }
        for (String s : settings) {
            out.add("~ " + s);
        }
        return out;
    }

    /** The diff as JSON-ready maps and lists (for a response field). */
    public Map<String, Object> toJsonMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("added", changesToJson(added));
        m.put("removed", changesToJson(removed));
        m.put("changed", changesToJson(changed));
        m.put("settings", settings);
        return m;
    }

    /** Reads what {@link #toJsonMap} wrote. */
    public static RuleSetDiff fromJsonMap(Object value) throws ProtocolException {
        if (!(value instanceof Map<?, ?> m)) {
            throw new ProtocolException("\"diff\" must be an object");
        }
        return new RuleSetDiff(changesFromJson(m.get("added")), changesFromJson(m.get("removed")),
                changesFromJson(m.get("changed")), strings(m.get("settings")));
    }

    private static List<Object> changesToJson(List<RuleChange> changes) {
        List<Object> out = new ArrayList<>();
        for (RuleChange c : changes) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("line", c.line());
            m.put("details", c.details());
            out.add(m);
        }
        return out;
    }

    private static List<RuleChange> changesFromJson(Object value) throws ProtocolException {
        List<RuleChange> out = new ArrayList<>();
        if (!(value instanceof List<?> list)) {
            throw new ProtocolException("a diff list is missing");
        }
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> m) || !(m.get("name") instanceof String name)
                    || !(m.get("line") instanceof Number line)) {
                throw new ProtocolException("a diff entry needs name, line and details");
            }
            out.add(new RuleChange(name, line.intValue(), strings(m.get("details"))));
        }
        return out;
    }

    private static List<String> strings(Object value) throws ProtocolException {
        if (!(value instanceof List<?> list)) {
            throw new ProtocolException("expected a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (Object o : list) {
            out.add(String.valueOf(o));
        }
        return out;
    }

    /** Each condition or the verdict that differs, as {@code key: OLD -> NEW} ({@code (none)} when absent). */
    private static List<String> conditionChanges(Rule a, Rule b) {
        Map<String, String> x = describe(a);
        Map<String, String> y = describe(b);
        List<String> out = new ArrayList<>();
        for (String key : x.keySet()) {
            String before = x.get(key);
            String after = y.get(key);
            if (!Objects.equals(before, after)) {
                out.add(key + ": " + (before.isEmpty() ? "(none)" : before) + " -> " + (after.isEmpty() ? "(none)" : after));
            }
        }
        return out;
    }

    /** Every condition key of a rule (empty text when absent) and its verdict, canonical. */
    private static Map<String, String> describe(Rule r) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("src", String.join(", ", r.sources()));
        m.put("dst", String.join(", ", r.destinations()));
        m.put("sport", joined(r.sourcePorts()));
        m.put("dport", joined(r.destinationPorts()));
        m.put("protocol", joined(r.protocols().stream().map(p -> p.label()).toList()));
        m.put("method", String.join(", ", r.methods()));
        m.put("host", String.join(", ", r.hostPatterns()));
        m.put("path", String.join(", ", r.pathGlobs()));
        m.put("alpn", String.join(", ", r.alpns()));
        m.put("tls", r.tls() == null ? "" : r.tls().text());
        m.put("verdict", verdictText(r));
        return m;
    }

    private static String joined(List<?> values) {
        StringBuilder sb = new StringBuilder();
        for (Object v : values) {
            sb.append(sb.length() == 0 ? "" : ", ").append(v);
        }
        return sb.toString();
    }

    private static String verdictText(Rule r) {
        if (r.verdict() != Verdict.MARK) {
            return r.verdict().label();
        }
        String hex = String.format("0x%x", r.mark());
        return r.markName() == null ? "mark " + hex : "mark " + r.markName() + " (" + hex + ")";
    }

    /**
     * Marks the entries of {@code seq} that belong to one longest strictly increasing
     * subsequence (patience sorting, O(n log n)): the kept rules that stayed in order.
     */
    static boolean[] longestIncreasing(List<Integer> seq) {
        int n = seq.size();
        int[] tailIndex = new int[n];
        int[] previous = new int[n];
        int length = 0;
        for (int i = 0; i < n; i++) {
            int v = seq.get(i);
            int lo = 0;
            int hi = length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (seq.get(tailIndex[mid]) < v) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            previous[i] = lo > 0 ? tailIndex[lo - 1] : -1;
            tailIndex[lo] = i;
            length = Math.max(length, lo + 1);
        }
        boolean[] in = new boolean[n];
        Arrays.fill(in, false);
        for (int i = length > 0 ? tailIndex[length - 1] : -1; i >= 0; i = previous[i]) {
            in[i] = true;
        }
        return in;
    }
}
