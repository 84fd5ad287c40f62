package org.nfqwall.stats;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-rule counters (decisions, the packets and bytes that carried them, the last hit) kept by
 * rule name, so a reload keeps the counts of every rule whose name is unchanged.
 *
 * <p>The counters live in one table laid out in the order of the rule set in force, plus one
 * entry for the default verdict at the end: the worker counts by rule index, with no lookup and
 * no allocation. When the worker first decides with a new rule set it calls {@link #bind}, which
 * builds the next table (counts carried over by name, rules no longer present forgotten) and
 * publishes it.
 *
 * <p>Written by exactly one worker thread ({@link #bind}, {@link #decided}, {@link #packet});
 * {@link #snapshot} may be called from any thread and can lag the worker by a few increments.
 */
public final class RuleCounters {
    /** The name decisions of the rule file's default verdict are counted under: {@value} (no rule can have it). */
    public static final String DEFAULT = "(default)";

    /** Counts of one rule, as read by {@link #snapshot}. */
    public record RuleCount(String name, long decisions, long packets, long bytes, long lastHitMillis) {
    }

    private static final class Table {
        final String[] names;
        final long[] decisions;
        final long[] packets;
        final long[] bytes;
        final long[] lastHit;

        Table(String[] names) {
            this.names = names;
            this.decisions = new long[names.length];
            this.packets = new long[names.length];
            this.bytes = new long[names.length];
            this.lastHit = new long[names.length];
        }
    }

    private volatile Table table = new Table(new String[] {DEFAULT});
    /** The worker's own reference to the table it writes (the same as {@link #table}). */
    private Table writing = table;

    /**
     * Lays the counters out for a new rule set: {@code ruleNames} in rule order; the default
     * verdict's entry follows at index {@code ruleNames.length}. Counts of names seen before are
     * kept. Worker thread only; allocates (once per rule set, not per packet).
     */
    public void bind(String[] ruleNames) {
        String[] names = new String[ruleNames.length + 1];
        System.arraycopy(ruleNames, 0, names, 0, ruleNames.length);
        names[ruleNames.length] = DEFAULT;
        Table old = writing;
        Map<String, Integer> oldIndex = new HashMap<>();
        for (int i = 0; i < old.names.length; i++) {
            oldIndex.put(old.names[i], i);
        }
        Table next = new Table(names);
        for (int i = 0; i < names.length; i++) {
            Integer j = oldIndex.get(names[i]);
            if (j != null) {
                next.decisions[i] = old.decisions[j];
                next.packets[i] = old.packets[j];
                next.bytes[i] = old.bytes[j];
                next.lastHit[i] = old.lastHit[j];
            }
        }
        writing = next;
        table = next;
    }

    /** Counts one decision by the rule at {@code index} (the default: the number of rules). Worker thread only. */
    public void decided(int index, long nowMillis) {
        Table t = writing;
        t.decisions[index]++;
        t.lastHit[index] = nowMillis;
    }

    /** Counts one packet of {@code bytes} that carried a decision of the rule at {@code index}. Worker thread only. */
    public void packet(int index, int bytes) {
        Table t = writing;
        t.packets[index]++;
        t.bytes[index] += bytes;
    }

    /** The counts of every rule of the last bound rule set, and the default, by name (any thread; allocates). */
    public Map<String, RuleCount> snapshot() {
        Table t = table;
        Map<String, RuleCount> out = new LinkedHashMap<>();
        for (int i = 0; i < t.names.length; i++) {
            out.put(t.names[i], new RuleCount(t.names[i], t.decisions[i], t.packets[i], t.bytes[i], t.lastHit[i]));
        }
        return out;
    }

    /** Sums several workers' snapshots by name (control plane only). */
    public static Map<String, RuleCount> merge(Iterable<RuleCounters> workers) {
        Map<String, RuleCount> sum = new LinkedHashMap<>();
        for (RuleCounters w : workers) {
            for (RuleCount c : w.snapshot().values()) {
                sum.merge(c.name(), c, (a, b) -> new RuleCount(a.name(), a.decisions() + b.decisions(),
                        a.packets() + b.packets(), a.bytes() + b.bytes(), Math.max(a.lastHitMillis(), b.lastHitMillis())));
            }
        }
        return sum;
    }
}
