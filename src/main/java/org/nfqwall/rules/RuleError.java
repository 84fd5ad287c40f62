package org.nfqwall.rules;

/**
 * One problem in a rules file, at a 1-based line and column (both 0 when it concerns the whole
 * file, such as a file that cannot be read). Immutable.
 *
 * @param file the file name as given to the loader
 * @param line 1-based line, or 0
 * @param column 1-based column, or 0
 * @param message what is wrong and what is expected
 */
public record RuleError(String file, int line, int column, String message) {
    /** {@code file:line:column: message}, or {@code file: message} when there is no line. */
    @Override
    public String toString() {
        return line == 0 ? file + ": " + message : file + ":" + line + ":" + column + ": " + message;
    }
}
