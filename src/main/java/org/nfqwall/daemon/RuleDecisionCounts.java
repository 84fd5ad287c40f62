package org.nfqwall.daemon;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.nfqwall.engine.DecisionListener;
import org.nfqwall.rules.Facts;
import org.nfqwall.rules.Rule;
import org.nfqwall.rules.Verdict;

/**
 * Counts decisions by rule name and verdict, for metrics.
 *
 * <p>Counts are kept by name, so they survive a reload that keeps the rule's name; a name
 * seen once keeps its counts for the life of the process. {@link #decided} runs on the worker
 * threads (one instance serves every queue) and allocates only the first time it meets a name;
 * its increment is an atomic add, so two workers deciding by the same rule at once lose no count.
 * That costs one locked instruction per decision (a request or a flow, not a packet), cheaper
 * than a counter table per worker merged at every scrape. {@link #snapshot} may be called from
 * any thread (opaque reads: lagging, never torn).
 */
public final class RuleDecisionCounts implements DecisionListener {
    /** The name counted for decisions taken by the rules file's {@code default}: {@value}. */
    public static final String DEFAULT_RULE = "(default)";

    private static final Verdict[] VERDICTS = Verdict.values();
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private final Map<String, long[]> byRule = new ConcurrentHashMap<>();

    @Override
    public void decided(Facts facts, Rule rule, Verdict verdict, int mark) {
        String name = rule == null ? DEFAULT_RULE : rule.name();
        long[] counts = byRule.get(name);
        if (counts == null) {
            counts = byRule.computeIfAbsent(name, n -> new long[VERDICTS.length]);
        }
        LONGS.getAndAdd(counts, verdict.ordinal(), 1L);
    }

    /** Decisions of {@code rule} (a name, or {@link #DEFAULT_RULE}) with {@code verdict}. Any thread. */
    public long get(String rule, Verdict verdict) {
        long[] counts = byRule.get(rule);
        return counts == null ? 0 : (long) LONGS.getOpaque(counts, verdict.ordinal());
    }

    /** A copy: rule name to counts indexed by {@link Verdict#ordinal()}, sorted by name. Any thread. */
    public Map<String, long[]> snapshot() {
        Map<String, long[]> copy = new TreeMap<>();
        byRule.forEach((name, counts) -> {
            long[] c = new long[VERDICTS.length];
            for (int i = 0; i < c.length; i++) {
                c[i] = (long) LONGS.getOpaque(counts, i);
            }
            copy.put(name, c);
        });
        return copy;
    }
}
