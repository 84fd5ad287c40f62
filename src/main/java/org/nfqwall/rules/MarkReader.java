package org.nfqwall.rules;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads a rules file's {@code marks:} section. Each mark is a number ({@code shaped: 0x6}) or a
 * mapping that also says what Linux does with it:
 *
 * <pre>
 * marks:
 *   vpn:
 *     value: 0x10
 *     table: 100            # ip rule fwmark 0x10/MASK lookup 100
 *     via: 10.8.0.1         # optional: default route of table 100 (IPv4), via6: for IPv6
 *     dev: wg0              # optional: its device
 *     priority: 1000        # optional: the ip rule preference
 *     steer: {timeout: 1h, max: 65536}   # default with a table; steer: false turns it off
 *   slow:
 *     value: 0x20
 *     shape: {rate: 2mbit, ceil: 4mbit, prio: 1}
 * </pre>
 *
 * Every error is reported at its node; a bad mark is still known by name (value 0), so rules that
 * use it get no second error. One instance per load; not thread-safe.
 */
final class MarkReader {
    static final List<String> KEYS = List.of("value", "table", "via", "via6", "dev", "priority", "steer", "shape");
    private static final List<String> STEER_KEYS = List.of("timeout", "max");
    private static final List<String> SHAPE_KEYS = List.of("rate", "ceil", "prio");
    /** The kernel's own tables: 253 default, 254 main, 255 local (and 0, unspecified). */
    private static final String RESERVED_TABLES = "0, 253 (default), 254 (main) and 255 (local)";

    private final RuleFileReader file;
    private final Problems problems;
    /** Marks in file order; a bad one is present with value 0. */
    final Map<String, MarkDefinition> marks = new LinkedHashMap<>();

    MarkReader(RuleFileReader file, Problems problems) {
        this.file = file;
        this.problems = problems;
    }

    void read(Node node) {
        if (YamlValues.isEmpty(node)) {
            return;
        }
        if (!(node instanceof MappingNode mapping)) {
            problems.at(node, "expected a mapping of mark names to numbers or {value: NUMBER, ...}, got "
                    + YamlValues.describe(node));
            return;
        }
        for (var e : YamlValues.entries(mapping, null, "", problems).entrySet()) {
            String name = e.getKey();
            Node key = e.getValue().getKeyNode();
            if (!YamlValues.isIdentifier(name)) {
                problems.at(key, "bad mark name " + YamlValues.quote(name)
                        + ", expected a letter followed by letters, digits, '-' or '_' (at most 64)");
                continue;
            }
            Node value = e.getValue().getValueNode();
            int line = key.getStartMark().getLine() + 1;
            MarkDefinition mark = value instanceof MappingNode m ? readMapping(name, line, m) : readNumber(name, line, value);
            checkSharedValue(key, mark);
            marks.put(name, mark);
        }
    }

    private MarkDefinition readNumber(String name, int line, Node value) {
        return MarkDefinition.plain(name, markValue(value, "a mark number (decimal or 0x hex) or {value: NUMBER, ...}"),
                line);
    }

    /** The mark number at {@code node}, checked against mark_mask; 0 after reporting. */
    private int markValue(Node node, String expected) {
        String text = YamlValues.text(node, expected, problems);
        return text == null ? 0 : file.markNumber(node, text);
    }

    private MarkDefinition readMapping(String name, int line, MappingNode mapping) {
        Map<String, NodeTuple> keys = YamlValues.entries(mapping, KEYS, " in mark " + YamlValues.quote(name), problems);
        int value = 0;
        if (!keys.containsKey("value")) {
            problems.at(mapping, "mark " + YamlValues.quote(name) + " has no value, expected value: NUMBER (e.g. 0x10)");
        } else {
            value = markValue(keys.get("value").getValueNode(), "a mark number (decimal or 0x hex)");
        }
        MarkRoute route = readRoute(name, mapping, keys);
        MarkSteering steering = route == null ? null : MarkSteering.defaults();
        if (keys.containsKey("steer")) {
            steering = readSteering(keys.get("steer").getValueNode());
        }
        MarkShape shape = keys.containsKey("shape") ? readShape(keys.get("shape").getValueNode()) : null;
        return new MarkDefinition(name, value, line, route, shape, steering);
    }

    /** table, via, via6, dev, priority: null when there is no table (after reporting keys that need one). */
    private MarkRoute readRoute(String name, MappingNode mapping, Map<String, NodeTuple> keys) {
        if (!keys.containsKey("table")) {
            for (String k : List.of("via", "via6", "dev", "priority")) {
                if (keys.containsKey(k)) {
                    problems.at(keys.get(k).getKeyNode(), k + " needs a routing table, expected table: NUMBER in mark "
                            + YamlValues.quote(name) + " too");
                }
            }
            return null;
        }
        Node t = keys.get("table").getValueNode();
        String tableText = YamlValues.text(t, "a routing table number", problems);
        long table = tableText == null ? -1 : YamlValues.parseNumber(tableText);
        if (tableText != null && (table <= 0 || table >= 253 && table <= 255)) {
            problems.at(t, "bad table " + YamlValues.quote(tableText) + ", expected a number from 1 to 4294967295"
                    + " other than the kernel's own " + RESERVED_TABLES);
        }
        String via = address(keys.get("via"), true);
        String via6 = address(keys.get("via6"), false);
        String dev = device(keys.get("dev"));
        // The routing script also puts a rule at the preference below (the main table without its default).
        long priority = boundedNumber(keys, "priority", "an ip rule preference", 2, MarkRoute.MAX_PRIORITY,
                "a number from 2 to " + MarkRoute.MAX_PRIORITY + " (the ip rule preference; nfqwall routing uses the"
                        + " one below it too; 0, 32766 and 32767 are the kernel's)");
        return new MarkRoute(Math.max(table, 0), via, via6, dev, (int) Math.max(0, priority));
    }

    /**
     * The number at {@code key} when present, reported as "bad KEY ..., expected {@code range}" when
     * it is not from {@code min} to {@code max}. -1 when absent or not a number; a number out of
     * range is returned as it is (the load has failed anyway).
     */
    private long boundedNumber(Map<String, NodeTuple> keys, String key, String expected, long min, long max,
            String range) {
        if (!keys.containsKey(key)) {
            return -1;
        }
        Node node = keys.get(key).getValueNode();
        String text = YamlValues.text(node, expected, problems);
        long n = text == null ? -1 : YamlValues.parseNumber(text);
        if (text != null && (n < min || n > max)) {
            problems.at(node, "bad " + key + " " + YamlValues.quote(text) + ", expected " + range);
        }
        return n;
    }

    /** A gateway of one family, canonical, or null when absent or after reporting. */
    private String address(NodeTuple entry, boolean ipv4) {
        if (entry == null) {
            return null;
        }
        Node node = entry.getValueNode();
        String key = ipv4 ? "via" : "via6";
        String text = YamlValues.text(node, "an " + (ipv4 ? "IPv4" : "IPv6") + " gateway address", problems);
        if (text == null) {
            return null;
        }
        try {
            AddressPrefix a = AddressPrefix.parse(text);
            if (text.indexOf('/') >= 0 || a.ipv4() != ipv4) {
                problems.at(node, "bad " + key + " " + YamlValues.quote(text) + ", expected an " + (ipv4 ? "IPv4" : "IPv6")
                        + " address (the gateway" + (ipv4 ? "; an IPv6 gateway goes under via6)" : "; an IPv4 gateway goes under via)"));
                return null;
            }
            String canonical = a.text();
            return canonical.substring(0, canonical.indexOf('/'));
        } catch (BadValueException ex) {
            problems.at(node, "bad " + key + " " + YamlValues.quote(text) + ": " + ex.getMessage());
            return null;
        }
    }

    /** An interface name as the kernel accepts it (dev_valid_name), or null. */
    private String device(NodeTuple entry) {
        if (entry == null) {
            return null;
        }
        Node node = entry.getValueNode();
        String text = YamlValues.text(node, "a network device name", problems);
        if (text == null) {
            return null;
        }
        if (!DeviceNames.isValid(text)) {
            problems.at(node, "bad dev " + YamlValues.quote(text) + ", " + DeviceNames.EXPECTED);
            return null;
        }
        return text;
    }

    /** {@code steer: false} or {@code steer: {timeout: 1h, max: 65536}}. */
    private MarkSteering readSteering(Node node) {
        if (node instanceof ScalarNode s && !YamlValues.isEmpty(s)) {
            switch (s.getValue()) {
                case "false" -> {
                    return null;
                }
                case "true" -> {
                    return MarkSteering.defaults();
                }
                default -> {
                    problems.at(node, "bad steer " + YamlValues.quote(s.getValue())
                            + ", expected true, false or {timeout: DURATION, max: NUMBER}");
                    return null;
                }
            }
        }
        if (!(node instanceof MappingNode mapping)) {
            problems.at(node, "expected true, false or {timeout: DURATION, max: NUMBER}, got " + YamlValues.describe(node));
            return null;
        }
        Map<String, NodeTuple> keys = YamlValues.entries(mapping, STEER_KEYS, " in steer", problems);
        long timeout = MarkSteering.DEFAULT_TIMEOUT_SECONDS;
        if (keys.containsKey("timeout")) {
            Node t = keys.get("timeout").getValueNode();
            String text = YamlValues.text(t, "a duration like 30m, 1h or 1d", problems);
            if (text != null) {
                try {
                    timeout = BlockDuration.parseSeconds(text);
                } catch (IllegalArgumentException ex) {
                    problems.at(t, "bad timeout: " + ex.getMessage());
                }
            }
        }
        long max = boundedNumber(keys, "max", "a number of addresses", 1, MarkSteering.MAX_ADDRESSES,
                "a number of addresses from 1 to " + MarkSteering.MAX_ADDRESSES);
        return new MarkSteering(timeout,
                max < 1 || max > MarkSteering.MAX_ADDRESSES ? MarkSteering.DEFAULT_MAX_ADDRESSES : (int) max);
    }

    /** {@code shape: {rate: 2mbit, ceil: 4mbit, prio: 1}}; null after reporting. */
    private MarkShape readShape(Node node) {
        if (!(node instanceof MappingNode mapping)) {
            problems.at(node, "expected {rate: RATE, ceil: RATE, prio: 0-7}, got " + YamlValues.describe(node));
            return null;
        }
        Map<String, NodeTuple> keys = YamlValues.entries(mapping, SHAPE_KEYS, " in shape", problems);
        if (!keys.containsKey("rate")) {
            problems.at(mapping, "shape has no rate, expected rate: RATE (e.g. 2mbit)");
            return null;
        }
        NodeTuple rateEntry = keys.get("rate");
        NodeTuple ceilEntry = keys.get("ceil");
        long rateBits = rateBits(rateEntry);
        long ceilBits = ceilEntry == null ? rateBits : rateBits(ceilEntry);
        int prio = (int) Math.max(0, boundedNumber(keys, "prio", "a priority 0-7", 0, MarkShape.MAX_PRIO,
                "0 (first) to " + MarkShape.MAX_PRIO));
        if (rateBits < 0 || ceilBits < 0) {
            return null;
        }
        String rate = rateText(rateEntry);
        String ceil = ceilEntry == null ? rate : rateText(ceilEntry);
        if (ceilBits < rateBits) {
            problems.at(ceilEntry.getValueNode(), "ceil " + YamlValues.quote(ceil) + " is below rate "
                    + YamlValues.quote(rate) + ", expected a ceil at least the rate (the most the class may borrow up to)");
            return null;
        }
        return new MarkShape(rate, rateBits, ceil, ceilBits, prio);
    }

    /** Bits per second of a rate, or -1 after reporting it is not one. */
    private long rateBits(NodeTuple entry) {
        Node node = entry.getValueNode();
        String text = YamlValues.text(node, "a rate like 2mbit", problems);
        if (text == null) {
            return -1;
        }
        try {
            return TcRate.parseBits(text);
        } catch (BadValueException ex) {
            problems.at(node, "bad " + ((ScalarNode) entry.getKeyNode()).getValue() + ": " + ex.getMessage());
            return -1;
        }
    }

    /** The text of a rate {@link #rateBits} read. */
    private static String rateText(NodeTuple entry) {
        return ((ScalarNode) entry.getValueNode()).getValue().strip();
    }

    /**
     * Steering sets, ip rules and shaping classes are named by value, so two marks with the same
     * value may not attach different things to it.
     */
    private void checkSharedValue(Node key, MarkDefinition mark) {
        if (mark.value() == 0) {
            return;
        }
        for (MarkDefinition other : marks.values()) {
            if (other.value() == mark.value() && !(isPlain(other) && isPlain(mark))) {
                problems.at(key, "mark " + YamlValues.quote(mark.name()) + " has the value " + YamlValues.hex(mark.value())
                        + " of mark " + YamlValues.quote(other.name()) + " (line " + other.line()
                        + "), expected a value of its own for a mark with a table, steer or shape");
                return;
            }
        }
    }

    private static boolean isPlain(MarkDefinition m) {
        return m.route() == null && m.shape() == null && m.steering() == null;
    }
}
