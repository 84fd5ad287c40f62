package org.nfqwall.rules;

import java.util.List;

/**
 * What {@link RuleExplainer} found for one set of facts: the decision, how the flow fares before
 * inspection, and the earlier rules that came close. Immutable.
 *
 * @param decidingIndex index of the deciding rule (what {@link RuleSet#match} returns), or
 *     {@link RuleSet#NO_MATCH} when the default applies
 * @param decidingRule the deciding rule, or null for the default
 * @param verdict the verdict: the rule's, or the default
 * @param mark the fwmark of a mark verdict, else 0
 * @param decidingConditions the deciding rule's conditions, each holding; empty for the default
 * @param beforeInspection what {@link RuleSet#matchBeforeInspection} returns for the facts
 * @param firstAddressRule the first rule whose address and port conditions hold (the one that
 *     decides before inspection, or needs inspection), or null when none does
 * @param nearMisses rules before the decision that came close (see {@link NearMiss#isClose})
 */
public record Explanation(int decidingIndex, Rule decidingRule, Verdict verdict, int mark,
        List<ConditionResult> decidingConditions, int beforeInspection, Rule firstAddressRule,
        List<NearMiss> nearMisses) {

    public Explanation {
        decidingConditions = List.copyOf(decidingConditions);
        nearMisses = List.copyOf(nearMisses);
    }

    /**
     * An earlier rule that failed on one or two conditions.
     *
     * @param rule the rule
     * @param conditions every condition of the rule, holding or not, in a fixed key order
     */
    public record NearMiss(Rule rule, List<ConditionResult> conditions) {
        public NearMiss {
            conditions = List.copyOf(conditions);
        }

        /** How many conditions failed. */
        public long failed() {
            return conditions.stream().filter(c -> !c.holds()).count();
        }

        /**
         * True when the rule came close: it failed on at most {@code maxFailures} conditions while
         * at least one held, or it failed on one only just ({@link ConditionResult#nearly}).
         */
        public boolean isClose(int maxFailures) {
            long failed = failed();
            return failed >= 1 && (failed <= maxFailures && failed < conditions.size()
                    || conditions.stream().anyMatch(ConditionResult::nearly));
        }
    }
}
