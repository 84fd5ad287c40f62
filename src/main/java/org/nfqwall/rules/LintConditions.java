package org.nfqwall.rules;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One rule's conditions as sets {@link RuleContainment} can compare: a null field is an absent
 * condition (anything). Built from the rule's read-only views plus the file outline, so a key the
 * lint does not understand (added to the format later) is kept as its written text and compared
 * only for identity.
 *
 * <p>{@link #opaque} marks a rule the lint cannot reason about at all (its outline is missing, or
 * a condition is present but empty); comparisons with it are always "unknown". Immutable.
 */
final class LintConditions {
    final Rule rule;
    final boolean opaque;
    final List<AddressPrefix> sources;
    final List<AddressPrefix> destinations;
    final List<PortRange> sourcePorts;
    final List<PortRange> destinationPorts;
    final List<GreKeyRange> greKeys;
    final Set<Protocol> protocols;
    final Set<String> methods;
    final TlsCondition tls;
    final Set<String> alpns;
    final List<String> hosts;
    final List<String> paths;
    /** Keys outside {@link RuleFileOutline#KNOWN_KEYS}, with their values as written. */
    final Map<String, String> unknownKeys;

    private LintConditions(Rule rule, boolean opaque, List<AddressPrefix> sources, List<AddressPrefix> destinations,
            List<PortRange> sourcePorts, List<PortRange> destinationPorts, List<GreKeyRange> greKeys,
            Set<Protocol> protocols,
            Set<String> methods, TlsCondition tls, Set<String> alpns, List<String> hosts, List<String> paths,
            Map<String, String> unknownKeys) {
        this.rule = rule;
        this.opaque = opaque;
        this.sources = sources;
        this.destinations = destinations;
        this.sourcePorts = sourcePorts;
        this.destinationPorts = destinationPorts;
        this.greKeys = greKeys;
        this.protocols = protocols;
        this.methods = methods;
        this.tls = tls;
        this.alpns = alpns;
        this.hosts = hosts;
        this.paths = paths;
        this.unknownKeys = unknownKeys;
    }

    /**
     * The conditions of {@code rule}. A condition counts as present when the file has its key or
     * the rule's view of it is not empty (so values merged in from elsewhere still count).
     */
    static LintConditions of(Rule rule, RuleFileOutline outline) {
        Map<String, String> keys = outline.keysOf(rule);
        boolean[] opaque = {keys == null};
        Map<String, String> written = keys == null ? Map.of() : keys;
        Map<String, String> unknown = new LinkedHashMap<>();
        written.forEach((k, v) -> {
            if (!RuleFileOutline.KNOWN_KEYS.contains(k)) {
                unknown.put(k, v);
            }
        });
        List<AddressPrefix> src = present(written, "src", prefixes(rule.sources(), opaque), opaque);
        List<AddressPrefix> dst = present(written, "dst", prefixes(rule.destinations(), opaque), opaque);
        List<PortRange> sport = present(written, "sport", rule.sourcePorts(), opaque);
        List<PortRange> dport = present(written, "dport", rule.destinationPorts(), opaque);
        List<GreKeyRange> greKeys = present(written, "gre_key", rule.greKeys(), opaque);
        List<Protocol> protocols = present(written, "protocol", List.copyOf(rule.protocols()), opaque);
        List<String> methods = present(written, "method", rule.methods(), opaque);
        List<String> alpns = present(written, "alpn", rule.alpns(), opaque);
        List<String> hosts = present(written, "host", rule.hostPatterns(), opaque);
        List<String> paths = present(written, "path", rule.pathGlobs(), opaque);
        TlsCondition tls = rule.tls();
        if (tls == null && written.containsKey("tls")) {
            opaque[0] = true;
        }
        return new LintConditions(rule, opaque[0], src, dst, sport, dport, greKeys,
                protocols == null ? null : EnumSet.copyOf(protocols),
                methods == null ? null : Set.copyOf(methods), tls,
                alpns == null ? null : Set.copyOf(alpns), hosts, paths, unknown);
    }

    /** The view when the condition is present, null when absent; present but empty makes the rule opaque. */
    private static <T> List<T> present(Map<String, String> written, String key, List<T> view, boolean[] opaque) {
        if (!view.isEmpty()) {
            return view;
        }
        if (written.containsKey(key)) {
            opaque[0] = true;
        }
        return null;
    }

    private static List<AddressPrefix> prefixes(List<String> texts, boolean[] opaque) {
        List<AddressPrefix> out = new ArrayList<>();
        for (String t : texts) {
            try {
                out.add(AddressPrefix.parse(t));
            } catch (BadValueException e) {
                opaque[0] = true; // cannot happen for canonical texts; never guess
            }
        }
        return out;
    }

    /** True when the rule has a condition that needs inspection (host, path, method, protocol, alpn, tls). */
    boolean hasApplicationKeys() {
        return protocols != null || methods != null || tls != null || alpns != null || hosts != null
                || paths != null;
    }
}
