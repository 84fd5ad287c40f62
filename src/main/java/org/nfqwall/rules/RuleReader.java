package org.nfqwall.rules;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads the {@code rules:} list: each rule's name, conditions and verdict, reporting every
 * problem at its node. Uses the groups, marks and mark mask its {@link RuleFileReader} has read.
 * One instance per load; not thread-safe.
 */
final class RuleReader {
    static final List<String> RULE_KEYS =
            List.of("name", "src", "dst", "sport", "dport", "protocol", "method", "host", "host_file", "path",
                    "path_file", "alpn", "tls", "host_regex", "path_regex", "gre_key", "verdict");
    static final List<String> TLS_KEYS = List.of("sni", "ech");
    /** Longest ALPN id: {@value} bytes (its length is one byte on the wire, RFC 7301 section 3.1). */
    static final int MAX_ALPN_LENGTH = 255;
    /** Longest rule name: {@value} characters (names appear in logs, counters and iptables comments). */
    static final int MAX_NAME_LENGTH = 64;
    private static final String VERDICT_FORMS = "accept, drop, reject or {mark: NAME or NUMBER}";
    private static final String TLS_FORMS = "sni (none or present) and/or ech (true or false)";
    private static final String ALPN_FORM = "a protocol id like h2 or http/1.1 (printable ASCII, no spaces, at most "
            + MAX_ALPN_LENGTH + ")";
    /** RFC 9110 section 5.6.2 tchar, besides letters and digits. */
    private static final String TCHAR_SYMBOLS = "!#$%&'*+-.^_`|~";

    private final RuleFileReader file;
    private final Problems problems;

    RuleReader(RuleFileReader file, Problems problems) {
        this.file = file;
        this.problems = problems;
    }

    List<Rule> readRules(Node node) {
        List<Rule> rules = new ArrayList<>();
        if (YamlValues.isEmpty(node)) {
            return rules;
        }
        if (!(node instanceof SequenceNode seq)) {
            problems.at(node, "expected a list of rules, got " + YamlValues.describe(node));
            return rules;
        }
        Map<String, Integer> firstLine = new HashMap<>();
        for (Node item : seq.getValue()) {
            if (!(item instanceof MappingNode mapping)) {
                problems.at(item, "expected a rule (a mapping with name, conditions and verdict), got "
                        + YamlValues.describe(item));
                continue;
            }
            Rule rule = readRule(mapping, firstLine);
            if (rule != null) {
                rules.add(rule);
            }
        }
        return rules;
    }

    private Rule readRule(MappingNode mapping, Map<String, Integer> firstLine) {
        int line = mapping.getStartMark().getLine() + 1;
        int column = mapping.getStartMark().getColumn() + 1;
        Map<String, NodeTuple> keys = YamlValues.entries(mapping, RULE_KEYS, " in a rule", problems);
        String name = null;
        if (!keys.containsKey("name")) {
            problems.at(mapping, "rule has no name, expected a \"name:\" key");
        } else {
            Node n = keys.get("name").getValueNode();
            name = YamlValues.text(n, "a rule name", problems);
            if (name != null && !checkName(n, name)) {
                name = null;
            } else if (name != null) {
                Integer first = firstLine.putIfAbsent(name, line);
                if (first != null) {
                    problems.at(n, "duplicate rule name " + YamlValues.quote(name) + " (first at line " + first
                            + "), expected unique names");
                }
            }
        }
        AddressCondition src = keys.containsKey("src") ? addresses(value(keys, "src")) : null;
        AddressCondition dst = keys.containsKey("dst") ? addresses(value(keys, "dst")) : null;
        PortCondition sport = keys.containsKey("sport") ? ports(value(keys, "sport")) : null;
        PortCondition dport = keys.containsKey("dport") ? ports(value(keys, "dport")) : null;
        GreKeyCondition greKeys = keys.containsKey("gre_key") ? greKeys(value(keys, "gre_key")) : null;
        HostCondition host = keys.containsKey("host") || keys.containsKey("host_file") ? hosts(keys) : null;
        List<PathGlob> paths = keys.containsKey("path") || keys.containsKey("path_file") ? paths(keys) : null;
        List<String> methods = keys.containsKey("method") ? methods(value(keys, "method")) : null;
        Set<Protocol> protocols = keys.containsKey("protocol") ? protocols(value(keys, "protocol")) : null;
        List<String> alpns = keys.containsKey("alpn") ? alpns(value(keys, "alpn")) : null;
        TlsCondition tls = keys.containsKey("tls") ? tls(value(keys, "tls")) : null;
        RegexCondition hostRegex = keys.containsKey("host_regex") ? regexes(value(keys, "host_regex")) : null;
        RegexCondition pathRegex = keys.containsKey("path_regex") ? regexes(value(keys, "path_regex")) : null;
        Verdict verdict = null;
        int[] mark = {0};
        String[] markName = {null};
        if (!keys.containsKey("verdict")) {
            problems.at(mapping, (name == null ? "rule" : "rule " + YamlValues.quote(name))
                    + " has no verdict, expected \"verdict:\" with " + VERDICT_FORMS);
        } else {
            verdict = verdict(value(keys, "verdict"), mark, markName);
        }
        if (name == null || verdict == null) {
            return null;
        }
        return new Rule(name, line, column, verdict, mark[0], markName[0], src, dst, sport, dport, host, paths,
                methods, protocols, alpns, tls, hostRegex, pathRegex, greKeys);
    }

    private static Node value(Map<String, NodeTuple> keys, String key) {
        return keys.get(key).getValueNode();
    }

    private boolean checkName(Node node, String name) {
        String why = null;
        if (name.isEmpty()) {
            why = "empty name";
        } else if (name.length() > MAX_NAME_LENGTH) {
            why = "name is " + name.length() + " characters long";
        } else {
            for (int i = 0; i < name.length() && why == null; i++) {
                char c = name.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
                        || c == '_')) {
                    why = "character " + YamlValues.quote(String.valueOf(c)) + " is not allowed";
                }
            }
        }
        if (why != null) {
            problems.at(node, "bad rule name " + YamlValues.quote(name) + ": " + why
                    + ", expected letters, digits, '.', '-' or '_' (at most " + MAX_NAME_LENGTH + ")");
        }
        return why == null;
    }

    private AddressCondition addresses(Node node) {
        List<AddressPrefix> prefixes = new ArrayList<>();
        for (ScalarNode s : YamlValues.scalars(node, "an address, a CIDR or a group name",
                "an address, a CIDR, a group name or a list of them", problems)) {
            String text = s.getValue();
            char c0 = text.isEmpty() ? '0' : text.charAt(0);
            boolean address = c0 >= '0' && c0 <= '9' || text.indexOf(':') >= 0 || text.indexOf('/') >= 0;
            if (address) {
                try {
                    prefixes.add(AddressPrefix.parse(text));
                } catch (BadValueException e) {
                    problems.at(s, "bad address " + YamlValues.quote(text) + ": " + e.getMessage());
                }
            } else if (file.groups.containsKey(text)) {
                prefixes.addAll(file.groups.get(text));
            } else {
                problems.at(s, "unknown group " + YamlValues.quote(text) + ", expected an IP address, a CIDR or "
                        + (file.groups.isEmpty() ? "a group defined under groups: (none are)"
                                : "one of the groups: " + String.join(", ", file.groups.keySet())));
            }
        }
        return new AddressCondition(prefixes);
    }

    private PortCondition ports(Node node) {
        return new PortCondition(ranges(node, "a port", PortRange::parse));
    }

    private GreKeyCondition greKeys(Node node) {
        return new GreKeyCondition(ranges(node, "a GRE key", GreKeyRange::parse));
    }

    /** The ranges of a {@code sport:}, {@code dport:} or {@code gre_key:} value, each bad one reported at its node. */
    private <R> List<R> ranges(Node node, String one, ConditionEntries.Parser<R> parser) {
        List<R> ranges = new ArrayList<>();
        for (ScalarNode s : YamlValues.scalars(node, one + " or a range \"a-b\"",
                one + ", a range \"a-b\" or a list of them", problems)) {
            try {
                ranges.add(parser.parse(s.getValue()));
            } catch (BadValueException e) {
                problems.at(s, e.getMessage());
            }
        }
        return ranges;
    }

    /** The {@code host:} patterns and those of the {@code host_file:} lists, together, each once. */
    private HostCondition hosts(Map<String, NodeTuple> keys) {
        ConditionEntries<String> patterns = ConditionEntries.hosts();
        if (keys.containsKey("host")) {
            for (ScalarNode s : YamlValues.scalars(value(keys, "host"), "a string", "a string or a list of strings",
                    problems)) {
                try {
                    patterns.add(s.getValue());
                } catch (BadValueException e) {
                    problems.at(s, "bad host " + YamlValues.quote(s.getValue()) + ": " + e.getMessage());
                }
            }
        }
        for (ScalarNode file : listFiles(keys, "host_file")) {
            this.file.lists.readHosts(file, patterns);
        }
        return HostCondition.of(patterns.values());
    }

    /** The {@code path:} globs and those of the {@code path_file:} lists, together, each once. */
    private List<PathGlob> paths(Map<String, NodeTuple> keys) {
        ConditionEntries<PathGlob> globs = ConditionEntries.paths();
        if (keys.containsKey("path")) {
            for (ScalarNode s : YamlValues.scalars(value(keys, "path"), "a string", "a string or a list of strings",
                    problems)) {
                try {
                    globs.add(s.getValue());
                } catch (BadValueException e) {
                    problems.at(s, "bad path glob " + YamlValues.quote(s.getValue()) + ": " + e.getMessage());
                }
            }
        }
        for (ScalarNode file : listFiles(keys, "path_file")) {
            this.file.lists.readPaths(file, globs);
        }
        return globs.values();
    }

    /** The paths a {@code *_file:} key gives: one or a list; none when the key is absent. */
    private List<ScalarNode> listFiles(Map<String, NodeTuple> keys, String key) {
        if (!keys.containsKey(key)) {
            return List.of();
        }
        return YamlValues.scalars(value(keys, key), "a file path", "a file path or a list of them", problems);
    }

    private RegexCondition regexes(Node node) {
        List<String> regexes = new ArrayList<>();
        for (ScalarNode s : YamlValues.scalars(node, "a string", "a string or a list of strings", problems)) {
            try {
                if (s.getValue().isEmpty()) {
                    throw new BadValueException("empty regex, expected a regular expression in RE2 syntax");
                }
                RegexCondition.check(s.getValue());
                regexes.add(s.getValue());
            } catch (BadValueException e) {
                problems.at(s, "bad regex " + YamlValues.quote(s.getValue()) + ": " + e.getMessage());
            }
        }
        return RegexCondition.of(regexes);
    }

    private List<String> methods(Node node) {
        List<String> methods = new ArrayList<>();
        for (ScalarNode s : YamlValues.scalars(node, "a string", "a string or a list of strings", problems)) {
            String m = s.getValue();
            String why = m.isEmpty() ? "empty method" : null;
            for (int i = 0; i < m.length() && why == null; i++) {
                char c = m.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                        || TCHAR_SYMBOLS.indexOf(c) >= 0)) {
                    why = "character " + YamlValues.quote(String.valueOf(c)) + " is not allowed";
                }
            }
            if (why != null) {
                problems.at(s, "bad method " + YamlValues.quote(m) + ": " + why
                        + ", expected a method token like GET or POST");
            } else {
                methods.add(m.toUpperCase(java.util.Locale.ROOT));
            }
        }
        return methods;
    }

    private Set<Protocol> protocols(Node node) {
        Set<Protocol> out = EnumSet.noneOf(Protocol.class);
        List<String> labels = new ArrayList<>();
        for (Protocol p : Protocol.values()) {
            labels.add(p.label());
        }
        for (ScalarNode s : YamlValues.scalars(node, "a string", "a string or a list of strings", problems)) {
            int index = labels.indexOf(s.getValue().toLowerCase(java.util.Locale.ROOT));
            if (index < 0) {
                problems.at(s, "unknown protocol " + YamlValues.quote(s.getValue()) + ", expected one of: "
                        + String.join(", ", labels));
            } else {
                out.add(Protocol.values()[index]);
            }
        }
        return out;
    }

    private List<String> alpns(Node node) {
        List<String> ids = new ArrayList<>();
        for (ScalarNode s : YamlValues.scalars(node, "a string", "a string or a list of strings", problems)) {
            String id = s.getValue();
            String why = id.isEmpty() ? "empty id"
                    : id.length() > MAX_ALPN_LENGTH ? "id is " + id.length() + " characters long" : null;
            for (int i = 0; i < id.length() && why == null; i++) {
                char c = id.charAt(i);
                if (c <= 0x20 || c >= 0x7F) {
                    why = "character " + YamlValues.quote(String.valueOf(c)) + " is not allowed";
                }
            }
            if (why != null) {
                problems.at(s, "bad ALPN id " + YamlValues.quote(id) + ": " + why + ", expected " + ALPN_FORM);
            } else {
                ids.add(id);
            }
        }
        return ids;
    }

    /** Reads {@code tls: {sni: none | present, ech: true | false}}; null after an error. */
    private TlsCondition tls(Node node) {
        if (!(node instanceof MappingNode mapping)) {
            problems.at(node, "expected a mapping with " + TLS_FORMS + ", got " + YamlValues.describe(node));
            return null;
        }
        if (mapping.getValue().isEmpty()) {
            problems.at(node, "empty tls mapping, expected " + TLS_FORMS);
            return null;
        }
        Map<String, NodeTuple> keys = YamlValues.entries(mapping, TLS_KEYS, " in tls", problems);
        TlsCondition.Presence sni = TlsCondition.Presence.ANY;
        if (keys.containsKey("sni")) {
            sni = presence(value(keys, "sni"), "tls sni", "none", "present", "none or present");
        }
        TlsCondition.Presence ech = TlsCondition.Presence.ANY;
        if (keys.containsKey("ech")) {
            ech = presence(value(keys, "ech"), "tls ech", "false", "true", "true or false");
        }
        if (sni == null || ech == null || keys.isEmpty()) {
            return null;
        }
        return new TlsCondition(sni, ech);
    }

    /** Reads one of two words, ignoring case; null after an error. */
    private TlsCondition.Presence presence(Node node, String what, String absent, String present,
            String expected) {
        String text = YamlValues.text(node, expected, problems);
        if (text == null) {
            return null;
        }
        if (text.equalsIgnoreCase(absent)) {
            return TlsCondition.Presence.ABSENT;
        }
        if (text.equalsIgnoreCase(present)) {
            return TlsCondition.Presence.PRESENT;
        }
        problems.at(node, "bad " + what + " " + YamlValues.quote(text) + ", expected " + expected);
        return null;
    }

    /** Reads a verdict; for a mark verdict fills {@code mark[0]} and {@code markName[0]}. Null after an error. */
    private Verdict verdict(Node node, int[] mark, String[] markName) {
        if (node instanceof MappingNode mapping) {
            Map<String, NodeTuple> keys = YamlValues.entries(mapping, List.of("mark"), " in a verdict", problems);
            if (!keys.containsKey("mark")) {
                if (mapping.getValue().isEmpty()) {
                    problems.at(node, "empty verdict mapping, expected {mark: NAME or NUMBER}");
                }
                return null;
            }
            Node m = keys.get("mark").getValueNode();
            String text = YamlValues.text(m, "a mark name or number", problems);
            if (text == null) {
                return null;
            }
            char c0 = text.isEmpty() ? '0' : text.charAt(0);
            if (c0 >= '0' && c0 <= '9') {
                mark[0] = file.markNumber(m, text);
            } else if (file.marks.containsKey(text)) {
                mark[0] = file.marks.get(text);
                markName[0] = text;
            } else {
                problems.at(m, "unknown mark " + YamlValues.quote(text) + ", expected a number or "
                        + (file.marks.isEmpty() ? "a mark defined under marks: (none are)"
                                : "one of the marks: " + String.join(", ", file.marks.keySet())));
            }
            return mark[0] == 0 ? null : Verdict.MARK;
        }
        String text = YamlValues.text(node, "a verdict (" + VERDICT_FORMS + ")", problems);
        if (text == null) {
            return null;
        }
        switch (text) {
            case "accept":
                return Verdict.ACCEPT;
            case "drop":
                return Verdict.DROP;
            case "reject":
                return Verdict.REJECT;
            default:
                problems.at(node, "bad verdict " + YamlValues.quote(text) + ", expected " + VERDICT_FORMS);
                return null;
        }
    }
}
