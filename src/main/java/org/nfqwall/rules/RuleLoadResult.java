package org.nfqwall.rules;

import java.util.List;

/**
 * What loading a rules file produced: a rule set when the file is valid, or every error found,
 * sorted by line and column. Immutable.
 *
 * @param ruleSet the compiled rules, or null when there are errors
 * @param errors all problems found; empty when {@code ruleSet} is present
 */
public record RuleLoadResult(RuleSet ruleSet, List<RuleError> errors) {
    public RuleLoadResult {
        errors = List.copyOf(errors);
        if ((ruleSet == null) == errors.isEmpty()) {
            throw new IllegalArgumentException("either a rule set or errors, not both and not neither");
        }
    }

    /** True when the file loaded without errors. */
    public boolean ok() {
        return errors.isEmpty();
    }
}
