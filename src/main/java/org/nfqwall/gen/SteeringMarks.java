package org.nfqwall.gen;

import java.util.ArrayList;
import java.util.List;
import org.nfqwall.rules.MarkDefinition;
import org.nfqwall.rules.RuleSet;

/**
 * The marks whose connections the generated ruleset steers from their first packet (one
 * {@link SteeringSets} set per mark and family), and the rules file they were read from, so that
 * the document can say how to regenerate it. Immutable.
 *
 * @param rulesFile the rules file as the admin named it ({@code --rules FILE}), or null for none
 * @param marks     the steering marks (each with {@link MarkDefinition#steering()}), in file order;
 *                  empty for none
 */
public record SteeringMarks(String rulesFile, List<MarkDefinition> marks) {
    /** No rules file, no steering. */
    public static final SteeringMarks NONE = new SteeringMarks(null, List.of());

    /** Copies the marks; rejects a missing list or a mark that does not steer. */
    public SteeringMarks {
        if (marks == null || marks.stream().anyMatch(m -> m == null || m.value() == 0 || m.steering() == null)) {
            throw new IllegalArgumentException("steering marks are missing, zero or do not steer; expected marks with"
                    + " a value and steer:");
        }
        marks = List.copyOf(marks);
    }

    /** The steering marks of a loaded rule set ({@code steer:} given, or a mark with a table). */
    public static SteeringMarks of(String rulesFile, RuleSet rules) {
        List<MarkDefinition> steering = new ArrayList<>();
        for (MarkDefinition m : rules.markDefinitions().values()) {
            if (m.steering() != null) {
                steering.add(m);
            }
        }
        return new SteeringMarks(rulesFile, steering);
    }
}
