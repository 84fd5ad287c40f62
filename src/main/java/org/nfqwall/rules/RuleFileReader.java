package org.nfqwall.rules;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Turns the YAML node tree of one rules file into a {@link RuleSet}, collecting every error.
 * Sections are read in dependency order (mark_mask, groups and marks before rules) whatever
 * their order in the file. List files named in the rules ({@code host_file}, {@code path_file},
 * {@code cidr_file}) are read through {@link #lists}. One instance per load; not thread-safe.
 */
final class RuleFileReader {
    static final List<String> TOP_KEYS = List.of("default", "mark_mask", "groups", "marks", "rules");
    private static final String GROUP_ENTRY = "an address, a CIDR or {cidr_file: FILE}";

    private final String file;
    private final Problems problems;
    private Verdict defaultVerdict = Verdict.ACCEPT;
    private int markMask = MarkBits.USER_MASK;
    /** Group name to prefixes; a group with bad entries is still known, to avoid follow-on errors. */
    final Map<String, List<AddressPrefix>> groups = new LinkedHashMap<>();
    /** Mark name to value (0 for a bad mark, still known to avoid follow-on errors). */
    final Map<String, Integer> marks = new LinkedHashMap<>();
    /** The same marks with what is attached to them (routing, shaping, steering). */
    final Map<String, MarkDefinition> markDefinitions = new LinkedHashMap<>();
    /** The list files of this load; relative paths start at the rules file's directory. */
    final ListFiles lists;

    /**
     * @param baseDirectory where relative list-file paths start ({@code Path.of("")} for the current
     *     directory)
     */
    RuleFileReader(String file, Path baseDirectory, Problems problems) {
        this.file = file;
        this.problems = problems;
        this.lists = new ListFiles(baseDirectory, problems);
    }

    /** Reads the document; returns the rule set, or null when any error was reported. */
    RuleSet read(Node root) {
        if (root == null) {
            problems.atLine(1, 1, "the file is empty, expected a mapping with keys " + String.join(", ", TOP_KEYS));
            return null;
        }
        if (!(root instanceof MappingNode mapping)) {
            problems.at(root, "expected a mapping with keys " + String.join(", ", TOP_KEYS) + ", got "
                    + YamlValues.describe(root));
            return null;
        }
        Map<String, NodeTuple> top = YamlValues.entries(mapping, TOP_KEYS, "", problems);
        if (top.containsKey("default")) {
            readDefault(top.get("default").getValueNode());
        }
        if (top.containsKey("mark_mask")) {
            readMarkMask(top.get("mark_mask").getValueNode());
        }
        if (top.containsKey("groups")) {
            readGroups(top.get("groups").getValueNode());
        }
        if (top.containsKey("marks")) {
            readMarks(top.get("marks").getValueNode());
        }
        List<Rule> rules = List.of();
        if (top.containsKey("rules")) {
            rules = new RuleReader(this, problems).readRules(top.get("rules").getValueNode());
        }
        if (!problems.isEmpty()) {
            return null;
        }
        Map<String, List<String>> groupTexts = new LinkedHashMap<>();
        groups.forEach((name, prefixes) -> groupTexts.put(name,
                prefixes.stream().map(AddressPrefix::text).toList()));
        return new RuleSet(file, defaultVerdict, markMask, rules, Collections.unmodifiableMap(groupTexts),
                Collections.unmodifiableMap(new LinkedHashMap<>(marks)),
                Collections.unmodifiableMap(new LinkedHashMap<>(markDefinitions)), lists.stats());
    }

    int markMask() {
        return markMask;
    }

    private void readDefault(Node node) {
        String text = YamlValues.text(node, "accept or drop", problems);
        if (text == null) {
            return;
        }
        switch (text) {
            case "accept" -> defaultVerdict = Verdict.ACCEPT;
            case "drop" -> defaultVerdict = Verdict.DROP;
            default -> problems.at(node, "bad default " + YamlValues.quote(text) + ", expected accept or drop");
        }
    }

    private void readMarkMask(Node node) {
        String text = YamlValues.text(node, "a number (decimal or 0x hex)", problems);
        if (text == null) {
            return;
        }
        long value = YamlValues.parseNumber(text);
        if (value < 0) {
            problems.at(node, "bad mark_mask " + YamlValues.quote(text)
                    + ", expected a number (decimal or 0x hex) like " + YamlValues.hex(MarkBits.USER_MASK));
        } else if (value == 0) {
            problems.at(node, "bad mark_mask 0: no mark could be set, expected a non-zero mask inside "
                    + YamlValues.hex(MarkBits.USER_MASK));
        } else if ((value & ~(MarkBits.USER_MASK & 0xFFFFFFFFL)) != 0) {
            problems.at(node, "bad mark_mask " + YamlValues.hex(value) + ": bits "
                    + YamlValues.hex(value & (MarkBits.RESERVED_MASK & 0xFFFFFFFFL))
                    + " are reserved by nfqwall, expected a mask inside " + YamlValues.hex(MarkBits.USER_MASK));
        } else {
            markMask = (int) value;
        }
    }

    private void readGroups(Node node) {
        if (YamlValues.isEmpty(node)) {
            return;
        }
        if (!(node instanceof MappingNode mapping)) {
            problems.at(node, "expected a mapping of group names to address lists, got " + YamlValues.describe(node));
            return;
        }
        for (var e : YamlValues.entries(mapping, null, "", problems).entrySet()) {
            String name = e.getKey();
            if (!YamlValues.isIdentifier(name)) {
                problems.at(e.getValue().getKeyNode(), "bad group name " + YamlValues.quote(name)
                        + ", expected a letter followed by letters, digits, '-' or '_' (at most 64)");
                continue;
            }
            groups.put(name, readGroup(e.getValue().getValueNode()));
        }
    }

    /**
     * Reads one group: an address, a CIDR, {@code {cidr_file: FILE or [FILES]}}, or a list of
     * these; duplicates are kept once.
     */
    private List<AddressPrefix> readGroup(Node node) {
        ConditionEntries<AddressPrefix> prefixes = ConditionEntries.prefixes();
        List<Node> items = List.of(node);
        if (node instanceof SequenceNode seq) {
            items = seq.getValue();
            if (items.isEmpty()) {
                problems.at(node, "empty list, expected " + GROUP_ENTRY + ", or a list of them");
            }
        }
        for (Node item : items) {
            if (item instanceof MappingNode mapping) {
                readCidrFiles(mapping, prefixes);
            } else if (item instanceof ScalarNode s && !YamlValues.isEmpty(s)) {
                try {
                    prefixes.add(s.getValue());
                } catch (BadValueException ex) {
                    problems.at(s, "bad address " + YamlValues.quote(s.getValue()) + ": " + ex.getMessage());
                }
            } else {
                problems.at(item, "expected " + GROUP_ENTRY + (item == node ? ", or a list of them" : "")
                        + ", got " + YamlValues.describe(item));
            }
        }
        return prefixes.values();
    }

    /** Reads {@code {cidr_file: FILE}} or {@code {cidr_file: [FILES]}} into a group's prefixes. */
    private void readCidrFiles(MappingNode mapping, ConditionEntries<AddressPrefix> prefixes) {
        Map<String, NodeTuple> keys = YamlValues.entries(mapping, List.of("cidr_file"), " in a group", problems);
        if (!keys.containsKey("cidr_file")) {
            if (mapping.getValue().isEmpty()) {
                problems.at(mapping, "empty mapping, expected {cidr_file: FILE}");
            }
            return;
        }
        for (ScalarNode path : YamlValues.scalars(keys.get("cidr_file").getValueNode(), "a file path",
                "a file path or a list of them", problems)) {
            lists.readPrefixes(path, prefixes);
        }
    }

    private void readMarks(Node node) {
        MarkReader reader = new MarkReader(this, problems);
        reader.read(node);
        markDefinitions.putAll(reader.marks);
        reader.marks.forEach((name, mark) -> marks.put(name, mark.value()));
    }

    /** Checks a numeric mark against mark_mask; returns it, or 0 after reporting. */
    int markNumber(Node node, String text) {
        long value = YamlValues.parseNumber(text);
        if (value < 0) {
            problems.at(node, "bad mark " + YamlValues.quote(text) + ", expected a number (decimal or 0x hex) like 0x6");
            return 0;
        }
        if (value == 0) {
            problems.at(node, "bad mark 0: zero means no mark, expected a non-zero number inside mark_mask "
                    + YamlValues.hex(markMask));
            return 0;
        }
        if ((value & ~(markMask & 0xFFFFFFFFL)) != 0) {
            problems.at(node, "mark " + YamlValues.hex(value) + " is outside mark_mask " + YamlValues.hex(markMask)
                    + ", expected a number whose bits are all inside mark_mask");
            return 0;
        }
        return (int) value;
    }
}
