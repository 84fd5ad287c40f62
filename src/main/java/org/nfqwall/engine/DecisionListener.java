package org.nfqwall.engine;

import org.nfqwall.rules.Facts;
import org.nfqwall.rules.Rule;
import org.nfqwall.rules.Verdict;

/**
 * Told about every decision the engine takes: one per request, or one per flow where the flow
 * is decided without (more) inspection.
 *
 * <p>Called on the worker thread, inside the packet path: it must not block, and it must copy
 * what it keeps, because {@code facts} is reused for the next decision.
 */
@FunctionalInterface
public interface DecisionListener {
    /**
     * @param facts what the decision was based on (reused after the call)
     * @param rule the deciding rule, or null when the rule file's default decided
     * @param verdict the verdict applied
     * @param mark the mark set by a {@link Verdict#MARK} verdict, else 0
     */
    void decided(Facts facts, Rule rule, Verdict verdict, int mark);

    /**
     * As {@link #decided(Facts, Rule, Verdict, int)}, also saying what a routing or steering mark
     * did to the connection; the engine calls this one. By default the steering is ignored.
     */
    default void decided(Facts facts, Rule rule, Verdict verdict, int mark, Steered steered) {
        decided(facts, rule, verdict, mark);
    }

    /** A listener that ignores decisions. */
    DecisionListener NONE = (facts, rule, verdict, mark) -> { };
}
