package org.nfqwall.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Explains how a {@link RuleSet} decides one set of {@link Facts} ({@code nfqwall explain}): the
 * deciding rule is what {@link RuleSet#match} returns, the outcome before inspection is what
 * {@link RuleSet#matchBeforeInspection} returns, and whether each condition holds is evaluated by
 * the rule's own matching code ({@link Rule#conditionResults}); this class only puts the results
 * into words. Stateless; allocates freely (control path only).
 */
public final class RuleExplainer {
    /**
     * An earlier rule is listed as a near miss when at least one of its conditions held and at
     * most this many failed: {@value}; or when one failed only just (letter case, wildcard apex).
     */
    public static final int NEAR_MISS_FAILURES = 2;

    private static final String CASE_HINT = " (globs are case-sensitive)";
    private static final String APEX_HINT = ", not the name itself)";

    private RuleExplainer() {
    }

    /** Explains the decision on {@code f}, which must not change meanwhile. */
    public static Explanation explain(RuleSet rules, Facts f) {
        int index = rules.match(f);
        int before = rules.matchBeforeInspection(f);
        Rule firstAddressRule = null;
        for (int i = 0; i < rules.size() && firstAddressRule == null; i++) {
            if (rules.rule(i).matchesAddressesAndPorts(f)) {
                firstAddressRule = rules.rule(i);
            }
        }
        List<Explanation.NearMiss> near = new ArrayList<>();
        int end = index == RuleSet.NO_MATCH ? rules.size() : index;
        for (int i = 0; i < end; i++) {
            Explanation.NearMiss miss = new Explanation.NearMiss(rules.rule(i), conditions(rules.rule(i), f));
            if (miss.isClose(NEAR_MISS_FAILURES)) {
                near.add(miss);
            }
        }
        if (index == RuleSet.NO_MATCH) {
            return new Explanation(index, null, rules.defaultVerdict(), 0, List.of(), before, firstAddressRule, near);
        }
        Rule r = rules.rule(index);
        return new Explanation(index, r, r.verdict(), r.mark(), conditions(r, f), before, firstAddressRule, near);
    }

    /**
     * Every condition of {@code rule}, holding or not, with the reason. Should the rule fail on a
     * condition this class does not describe (a key added later), that shows as key "other".
     */
    public static List<ConditionResult> conditions(Rule rule, Facts f) {
        List<ConditionResult> out = new ArrayList<>();
        boolean allHold = true;
        for (Map.Entry<String, Boolean> e : rule.conditionResults(f).entrySet()) {
            String reason = reason(e.getKey(), e.getValue(), rule, f);
            out.add(new ConditionResult(e.getKey(), e.getValue(), reason, reason.endsWith(CASE_HINT)
                    || reason.endsWith(APEX_HINT)));
            allHold &= e.getValue();
        }
        if (allHold && !(rule.matchesAddressesAndPorts(f) && rule.matchesApplication(f))) {
            out.add(new ConditionResult("other", false, "another condition of the rule does not hold", false));
        }
        return out;
    }

    private static String reason(String key, boolean holds, Rule r, Facts f) {
        boolean application = !List.of("src", "dst", "sport", "dport", "gre_key").contains(key);
        if (application && !f.applicationKnown) {
            return key + " is not known before inspection";
        }
        return switch (key) {
            case "src" -> address(key, holds, r.sources(), f.srcHi, f.srcLo);
            case "dst" -> address(key, holds, r.destinations(), f.dstHi, f.dstLo);
            case "sport" -> port(key, holds, r.sourcePorts(), f.srcPort);
            case "dport" -> port(key, holds, r.destinationPorts(), f.dstPort);
            case "gre_key" -> greKey(holds, r.greKeys(), f);
            case "protocol" -> holds ? "protocol matches " + f.protocol.label()
                    : "protocol " + label(f.protocol) + " is not " + anyOf(r.protocols().stream().map(Protocol::label).toList());
            case "method" -> method(holds, r, f);
            case "tls" -> tls(holds, r.tls(), f);
            case "alpn" -> alpn(holds, r, f);
            case "host" -> host(holds, r, f);
            case "path" -> path(holds, r, f);
            default -> key + (holds ? " holds" : " does not hold");
        };
    }

    private static String address(String key, boolean holds, List<String> prefixes, long hi, long lo) {
        for (String text : prefixes) {
            if (holds && contains(text, hi, lo)) {
                return key + " matches " + text;
            }
        }
        if (holds) {
            return key + " holds";
        }
        return key + " " + Addresses.format(hi, lo) + " is not in " + listed(prefixes);
    }

    private static boolean contains(String prefixText, long hi, long lo) {
        try {
            return new AddressCondition(List.of(AddressPrefix.parse(prefixText))).contains(hi, lo);
        } catch (BadValueException e) {
            return false;
        }
    }

    private static String port(String key, boolean holds, List<PortRange> ranges, int port) {
        for (PortRange range : ranges) {
            if (holds && new PortCondition(List.of(range)).matches(port)) {
                return key + " matches " + range;
            }
        }
        if (holds) {
            return key + " holds";
        }
        return key + " " + port + " is not in " + String.join(", ", ranges.stream().map(PortRange::toString).toList());
    }

    private static String greKey(boolean holds, List<GreKeyRange> ranges, Facts f) {
        for (GreKeyRange range : ranges) {
            if (holds && range.from() <= f.greKey && f.greKey <= range.to()) {
                return "gre_key matches " + range;
            }
        }
        if (holds) {
            return "gre_key holds";
        }
        String listed = String.join(", ", ranges.stream().map(GreKeyRange::toString).toList());
        if (!f.tunnelled) {
            return "gre_key " + listed + " needs a packet inside a GRE tunnel; this one is not tunnelled";
        }
        if (!f.greKeyPresent) {
            return "gre_key " + listed + " needs a GRE key; the tunnel's header carries none";
        }
        return "gre_key " + f.greKey + " is not in " + listed;
    }

    private static String method(boolean holds, Rule r, Facts f) {
        if (holds) {
            return "method matches " + f.method.toUpperCase(Locale.ROOT);
        }
        if (f.method == null) {
            return "no method (only HTTP requests have one; protocol is " + label(f.protocol) + ")";
        }
        return "method " + f.method + " is not " + anyOf(r.methods());
    }

    private static String tls(boolean holds, TlsCondition tls, Facts f) {
        if (!f.helloSeen) {
            return "tls " + tls.text() + " needs a TLS or QUIC ClientHello; protocol is " + label(f.protocol);
        }
        String hello = "the ClientHello has " + (f.sniPresent ? "a server name" : "no server name") + " and "
                + (f.ech ? "an ECH extension" : "no ECH");
        return holds ? "tls matches " + tls.text() + ": " + hello : "tls " + tls.text() + " does not hold: " + hello;
    }

    private static String alpn(boolean holds, Rule r, Facts f) {
        if (!f.helloSeen) {
            return "alpn needs a TLS or QUIC ClientHello; protocol is " + label(f.protocol);
        }
        List<String> offered = new ArrayList<>();
        for (int i = 0; i < Math.min(f.alpnCount, Facts.MAX_ALPN); i++) {
            offered.add(f.alpn[i]);
        }
        if (holds) {
            for (String id : r.alpns()) {
                if (offered.contains(id)) {
                    return "alpn matches " + id;
                }
            }
            return "alpn holds";
        }
        return (offered.isEmpty() ? "the ClientHello offers no ALPN id" : "offered ALPN " + String.join(", ", offered))
                + ", none is " + anyOf(r.alpns()) + " (ALPN ids are exact and case-sensitive)";
    }

    private static String host(boolean holds, Rule r, Facts f) {
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < Math.min(f.hostCount, Facts.MAX_HOSTS); i++) {
            if (f.hosts[i] != null) {
                hosts.add(f.hosts[i]);
            }
        }
        List<String> patterns = r.hostPatterns();
        if (holds) {
            for (String h : hosts) {
                for (String p : patterns) {
                    if (HostCondition.of(List.of(p)).matches(h)) {
                        return "host matches " + YamlValues.quote(p);
                    }
                }
            }
            return "host holds";
        }
        if (hosts.isEmpty()) {
            return "no host (" + (f.helloSeen ? "the ClientHello has no server name"
                    : "protocol " + label(f.protocol) + " carries none") + ")";
        }
        String hint = "";
        for (String h : hosts) {
            if (patterns.contains("*." + h)) {
                hint = " (*." + h + " matches names under " + h + APEX_HINT;
            }
        }
        return (hosts.size() == 1 ? "host " : "hosts ") + quoted(hosts) + " do" + (hosts.size() == 1 ? "es" : "")
                + " not match " + anyOf(quotedEach(patterns)) + hint;
    }

    private static String path(boolean holds, Rule r, Facts f) {
        List<String> globs = r.pathGlobs();
        if (f.path == null) {
            return "no path (" + (f.helloSeen ? "a ClientHello has none: HTTPS is judged by its server name"
                    : "only HTTP requests have one; protocol is " + label(f.protocol)) + ")";
        }
        String hint = "";
        for (String g : globs) {
            if (holds && globMatches(g, f.path)) {
                return "path matches " + YamlValues.quote(g);
            }
            if (!holds && globMatches(g.toLowerCase(Locale.ROOT), f.path.toLowerCase(Locale.ROOT))) {
                hint = CASE_HINT;
            }
        }
        if (holds) {
            return "path holds";
        }
        return "path " + YamlValues.quote(f.path) + " does not match " + anyOf(quotedEach(globs)) + hint;
    }

    private static boolean globMatches(String glob, String path) {
        try {
            return PathGlob.compile(glob).matches(path);
        } catch (BadValueException e) {
            return false;
        }
    }

    private static String label(Protocol p) {
        return p == null ? "unknown" : p.label();
    }

    /** Most values listed in one explanation; a rule fed by a list file may hold a million. */
    static final int MAX_LISTED = 8;

    private static String anyOf(List<String> values) {
        return values.size() == 1 ? values.get(0) : "any of " + listed(values);
    }

    /** The values joined with ", ", the first {@value #MAX_LISTED} of them and how many more. */
    private static String listed(List<String> values) {
        if (values.size() <= MAX_LISTED) {
            return String.join(", ", values);
        }
        return String.join(", ", values.subList(0, MAX_LISTED)) + " and " + (values.size() - MAX_LISTED) + " more";
    }

    private static List<String> quotedEach(List<String> values) {
        return values.stream().map(YamlValues::quote).toList();
    }

    private static String quoted(List<String> values) {
        return listed(quotedEach(values));
    }

    /** A rule's verdict in words: {@code drop}, {@code mark shaped (0x6)}, {@code mark 0x6}. */
    public static String verdictText(Rule rule) {
        if (rule.verdict() != Verdict.MARK) {
            return rule.verdict().label();
        }
        String hex = "0x" + Integer.toHexString(rule.mark());
        return rule.markName() == null ? "mark " + hex : "mark " + rule.markName() + " (" + hex + ")";
    }

    /**
     * Puts an address given as text ({@code 10.1.2.3}, {@code fd00::1}) into the source or
     * destination of {@code f}, IPv4 as IPv4-mapped, as the packet layer does.
     *
     * @throws IllegalArgumentException saying what is wrong and what is expected
     */
    public static void setAddress(Facts f, boolean source, String text) {
        AddressPrefix p;
        try {
            if (text.indexOf('/') >= 0) {
                throw new BadValueException("a prefix is not an address, expected one address like 10.1.2.3");
            }
            p = AddressPrefix.parse(text);
        } catch (BadValueException e) {
            throw new IllegalArgumentException("bad address " + YamlValues.quote(text) + ": " + e.getMessage(), e);
        }
        f.ipVersion = p.ipv4() ? 4 : 6;
        if (source) {
            f.srcHi = p.hi();
            f.srcLo = p.lo();
        } else {
            f.dstHi = p.hi();
            f.dstLo = p.lo();
        }
    }
}
