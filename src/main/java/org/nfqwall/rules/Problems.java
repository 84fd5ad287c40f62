package org.nfqwall.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Collects the errors found in one rules file, each at the position of its YAML node, and those
 * found in the list files it names, each at its line. Not thread-safe.
 */
final class Problems {
    private final String file;
    private final List<RuleError> errors = new ArrayList<>();

    Problems(String file) {
        this.file = file;
    }

    void at(Node node, String message) {
        at(node.getStartMark(), message);
    }

    void at(Mark mark, String message) {
        if (mark == null) {
            errors.add(new RuleError(file, 0, 0, message));
        } else {
            errors.add(new RuleError(file, mark.getLine() + 1, mark.getColumn() + 1, message));
        }
    }

    void atLine(int line, int column, String message) {
        errors.add(new RuleError(file, line, column, message));
    }

    /** An error in another file (a list file) at a 1-based line, or about the whole file (line 0). */
    void inFile(String otherFile, int line, String message) {
        errors.add(new RuleError(otherFile, line, 0, message));
    }

    boolean isEmpty() {
        return errors.isEmpty();
    }

    /**
     * All errors: the rules file's sorted by line then column, then those of list files in the
     * order found; duplicates (a node reached twice through an alias, a list file read twice)
     * removed.
     */
    List<RuleError> sorted() {
        Comparator<RuleError> rulesFileFirst = Comparator.comparing(e -> !e.file().equals(file));
        return errors.stream().distinct()
                .sorted(rulesFileFirst.thenComparingInt(e -> e.file().equals(file) ? e.line() : 0)
                        .thenComparingInt(e -> e.file().equals(file) ? e.column() : 0))
                .toList();
    }
}
