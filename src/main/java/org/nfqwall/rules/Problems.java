package org.nfqwall.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;

/** Collects the errors found in one rules file, each at the position of its YAML node. Not thread-safe. */
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

    boolean isEmpty() {
        return errors.isEmpty();
    }

    /** All errors, sorted by line then column, duplicates (a node reached twice through an alias) removed. */
    List<RuleError> sorted() {
        return errors.stream().distinct()
                .sorted(Comparator.comparingInt(RuleError::line).thenComparingInt(RuleError::column))
                .toList();
    }
}
