package org.nfqwall.rules;

/**
 * One finding of {@link RuleLint}: a rules file that loads but probably does not do what its
 * author meant (a rule that can never match, a group nobody uses). Immutable.
 *
 * @param file the file name as given to the loader
 * @param line 1-based line of the rule, group or mark the warning is about
 * @param column 1-based column
 * @param message what is odd, naming every rule involved with its line
 */
public record LintWarning(String file, int line, int column, String message) {
    /** {@code file:line:column: warning: message}. */
    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": warning: " + message;
    }
}
