package org.nfqwall.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads values out of snakeyaml nodes and reports wrong shapes at the node. Every scalar is read
 * as its text (YAML 1.1 would turn {@code 0x6}, {@code on} or {@code 8080} into other types; the
 * rules format decides itself what a value means). Stateless.
 */
final class YamlValues {
    /** Longest scalar shown inside an error message: {@value} characters. */
    static final int MAX_QUOTED = 60;

    private YamlValues() {
    }

    /** How a node is named in "got ..." parts of messages. */
    static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        if (isEmpty(node)) {
            return "an empty value";
        }
        return quote(((ScalarNode) node).getValue());
    }

    /** A plain {@code null}, {@code ~} or nothing at all after the colon. */
    static boolean isEmpty(Node node) {
        return node instanceof ScalarNode s && Tag.NULL.equals(s.getTag())
                && s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN;
    }

    /** Double-quoted for messages, cut short and with control characters escaped. */
    static String quote(String text) {
        StringBuilder sb = new StringBuilder("\"");
        int n = Math.min(text.length(), MAX_QUOTED);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                sb.append(String.format("\\u%04x", (int) c));
            } else if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else {
                sb.append(c);
            }
        }
        if (text.length() > n) {
            sb.append("...");
        }
        return sb.append('"').toString();
    }

    /**
     * The entries of a mapping keyed by their text, in file order. Reports keys that are not
     * scalars, duplicate keys (with the first one's line) and, when {@code allowed} is not null,
     * keys outside it; such entries are left out.
     */
    static Map<String, NodeTuple> entries(MappingNode mapping, List<String> allowed, String where,
            Problems problems) {
        Map<String, NodeTuple> out = new LinkedHashMap<>();
        for (NodeTuple t : mapping.getValue()) {
            Node key = t.getKeyNode();
            if (!(key instanceof ScalarNode) || isEmpty(key)) {
                problems.at(key, "expected a key name, got " + describe(key));
                continue;
            }
            String name = ((ScalarNode) key).getValue();
            NodeTuple first = out.get(name);
            if (first != null) {
                problems.at(key, "duplicate key " + quote(name) + " (first at line "
                        + (first.getKeyNode().getStartMark().getLine() + 1) + "), expected each key once");
                continue;
            }
            if (allowed != null && !allowed.contains(name)) {
                problems.at(key, "unknown key " + quote(name) + where + ", expected one of: "
                        + String.join(", ", allowed));
                continue;
            }
            out.put(name, t);
        }
        return out;
    }

    /**
     * The scalars of a "string or list of strings" value. Reports a wrong shape, an empty value
     * or an empty list and returns only the scalars that can be read.
     *
     * @param one what one value is, e.g. {@code "a string"}
     * @param many what the whole value may be, e.g. {@code "a string or a list of strings"}
     */
    static List<ScalarNode> scalars(Node node, String one, String many, Problems problems) {
        List<ScalarNode> out = new ArrayList<>();
        if (node instanceof SequenceNode seq) {
            if (seq.getValue().isEmpty()) {
                problems.at(node, "empty list, expected at least one value (leave the key out to match anything)");
            }
            for (Node item : seq.getValue()) {
                if (item instanceof ScalarNode s && !isEmpty(s)) {
                    out.add(s);
                } else {
                    problems.at(item, "expected " + one + ", got " + describe(item));
                }
            }
        } else if (node instanceof ScalarNode s && !isEmpty(s)) {
            out.add(s);
        } else {
            problems.at(node, "expected " + many + ", got " + describe(node));
        }
        return out;
    }

    /** The text of a scalar node, or null after reporting what was expected instead. */
    static String text(Node node, String expected, Problems problems) {
        if (node instanceof ScalarNode s && !isEmpty(s)) {
            return s.getValue();
        }
        problems.at(node, "expected " + expected + ", got " + describe(node));
        return null;
    }

    /** Parses decimal or {@code 0x} hex up to 32 bits, unsigned; -1 when the text is not such a number. */
    static long parseNumber(String text) {
        boolean hex = text.length() > 2 && (text.startsWith("0x") || text.startsWith("0X"));
        int start = hex ? 2 : 0;
        int radix = hex ? 16 : 10;
        int maxDigits = hex ? 8 : 10;
        if (text.length() == start || text.length() - start > maxDigits) {
            return -1;
        }
        long v = 0;
        for (int i = start; i < text.length(); i++) {
            int d = Character.digit(text.charAt(i), radix);
            if (d < 0 || text.charAt(i) > 'f') {
                return -1;
            }
            v = v * radix + d;
        }
        return v > 0xFFFFFFFFL ? -1 : v;
    }

    /** {@code 0x0fffffff}: how masks and marks are shown in messages. */
    static String hex(long value) {
        return String.format("0x%08x", value);
    }

    /** True for a name of groups and marks: a letter, then letters, digits, '-' or '_', at most 64. */
    static boolean isIdentifier(String s) {
        if (s.isEmpty() || s.length() > 64 || !isAsciiLetter(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isAsciiLetter(c) && !(c >= '0' && c <= '9') && c != '-' && c != '_') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }
}
