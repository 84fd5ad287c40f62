package org.nfqwall.rules;

import java.io.StringReader;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * What {@link RuleLint} needs from a rules file that the compiled {@link RuleSet} does not keep:
 * where groups and marks are defined, which names the rules mention, and each rule's keys with
 * their values as written. Read from the text of a file that has already loaded without errors,
 * so it reports nothing; a shape it does not expect is simply left out.
 *
 * <p>Kept apart from the loader on purpose: lint must not change what loading accepts. Immutable
 * once built.
 */
final class RuleFileOutline {
    /** A position in the file, 1-based. */
    record Position(int line, int column) {
    }

    /**
     * The keys {@link RuleLint} understands; any other key is an unknown condition, compared only
     * for identical text. Deliberately not {@link RuleReader#RULE_KEYS}: a key added to the format
     * must not be silently ignored by the lint, which would make its warnings unsound.
     */
    static final List<String> KNOWN_KEYS =
            List.of("name", "verdict", "src", "dst", "sport", "dport", "protocol", "method", "host", "path", "alpn",
                    "tls", "host_file", "path_file", "gre_key");

    final Map<String, Position> groups = new LinkedHashMap<>();
    final Map<String, Position> marks = new LinkedHashMap<>();
    /** Every scalar value under {@code rules:} and {@code groups:}, except rule names and group keys. */
    final Set<String> mentioned = new HashSet<>();
    /** Per rule, keyed by the rule mapping's position: each key with its value in a canonical text. */
    final Map<Position, Map<String, String>> ruleKeys = new HashMap<>();

    private RuleFileOutline() {
    }

    /** Reads the outline of a file's text; an unreadable text gives an empty outline. */
    static RuleFileOutline of(String yamlText) {
        RuleFileOutline outline = new RuleFileOutline();
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setCodePointLimit(RulesLoader.MAX_FILE_SIZE);
            options.setAllowDuplicateKeys(true);
            options.setAllowRecursiveKeys(false);
            root = new Yaml(options).compose(new StringReader(yamlText));
        } catch (RuntimeException e) {
            return outline;
        }
        if (root instanceof MappingNode top) {
            for (NodeTuple t : top.getValue()) {
                String key = text(t.getKeyNode());
                Node value = t.getValueNode();
                if ("groups".equals(key)) {
                    readDefinitions(value, outline.groups, outline.mentioned);
                } else if ("marks".equals(key)) {
                    readDefinitions(value, outline.marks, null);
                } else if ("rules".equals(key) && value instanceof SequenceNode list) {
                    for (Node item : list.getValue()) {
                        if (item instanceof MappingNode rule) {
                            outline.readRule(rule);
                        }
                    }
                }
            }
        }
        return outline;
    }

    private static void readDefinitions(Node node, Map<String, Position> into, Set<String> mentioned) {
        if (!(node instanceof MappingNode mapping)) {
            return;
        }
        for (NodeTuple t : mapping.getValue()) {
            String name = text(t.getKeyNode());
            if (name != null) {
                into.putIfAbsent(name, position(t.getKeyNode()));
            }
            if (mentioned != null) {
                collectScalars(t.getValueNode(), mentioned);
            }
        }
    }

    private void readRule(MappingNode rule) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (NodeTuple t : rule.getValue()) {
            String key = text(t.getKeyNode());
            if (key == null) {
                continue;
            }
            keys.put(key, canonical(t.getValueNode()));
            if (!key.equals("name")) {
                collectScalars(t.getValueNode(), mentioned);
            }
        }
        ruleKeys.put(position(rule), keys);
    }

    private static void collectScalars(Node node, Set<String> into) {
        if (node instanceof ScalarNode s) {
            into.add(s.getValue());
        } else if (node instanceof SequenceNode seq) {
            seq.getValue().forEach(n -> collectScalars(n, into));
        } else if (node instanceof MappingNode map) {
            map.getValue().forEach(t -> collectScalars(t.getValueNode(), into));
        }
    }

    /** A value as one text that two values share only when written alike (list order kept). */
    private static String canonical(Node node) {
        if (node instanceof ScalarNode s) {
            return '"' + s.getValue().replace("\\", "\\\\").replace("\"", "\\\"") + '"';
        }
        StringBuilder sb = new StringBuilder();
        if (node instanceof SequenceNode seq) {
            sb.append('[');
            seq.getValue().forEach(n -> sb.append(canonical(n)).append(','));
            return sb.append(']').toString();
        }
        if (node instanceof MappingNode map) {
            sb.append('{');
            for (NodeTuple t : map.getValue()) {
                sb.append(canonical(t.getKeyNode())).append(':').append(canonical(t.getValueNode())).append(',');
            }
            return sb.append('}').toString();
        }
        return "?";
    }

    private static String text(Node node) {
        return node instanceof ScalarNode s ? s.getValue() : null;
    }

    private static Position position(Node node) {
        return new Position(node.getStartMark().getLine() + 1, node.getStartMark().getColumn() + 1);
    }

    /** The keys of the rule (with their values), or null when the outline lacks it. */
    Map<String, String> keysOf(Rule rule) {
        return ruleKeys.get(new Position(rule.line(), rule.column()));
    }
}
