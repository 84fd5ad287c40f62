package org.nfqwall.rules;

/**
 * One problem in a rules file or in a list file it names, at a 1-based line and column (both 0
 * when it concerns the whole file, such as a file that cannot be read; the column 0 for a line of
 * a list file). Immutable.
 *
 * @param file the file name as given to the loader
 * @param line 1-based line, or 0
 * @param column 1-based column, or 0
 * @param message what is wrong and what is expected
 */
public record RuleError(String file, int line, int column, String message) {
    /**
     * {@code file:line:column: message}; {@code file:line: message} when there is no column, and
     * {@code file: message} when there is no line.
     */
    @Override
    public String toString() {
        if (line == 0) {
            return file + ": " + message;
        }
        return column == 0 ? file + ":" + line + ": " + message : file + ":" + line + ":" + column + ": " + message;
    }
}
