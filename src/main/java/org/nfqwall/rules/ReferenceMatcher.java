package org.nfqwall.rules;

import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The naive first-match matcher, kept as the reference the compiled {@link RuleIndex} is tested
 * against: it walks the rules in file order and checks each condition by scanning its values as
 * written (patterns, prefixes, port ranges, regexes), sharing with the compiled path only the
 * glob matcher and the parsed values. Slow on large rule sets by design; for tests only.
 *
 * <p>Immutable; safe from any thread. Allocates (regexes, views); never on the packet path.
 */
final class ReferenceMatcher {
    private final Rule[] rules;
    private final NaiveRule[] naive;

    ReferenceMatcher(RuleSet set) {
        rules = new Rule[set.size()];
        naive = new NaiveRule[set.size()];
        for (int i = 0; i < rules.length; i++) {
            rules[i] = set.rule(i);
            naive[i] = new NaiveRule(rules[i]);
        }
    }

    /** The same contract as {@link RuleSet#match}. */
    int match(Facts f) {
        for (int i = 0; i < rules.length; i++) {
            if (naive[i].addressesAndPorts(f) && naive[i].application(f)) {
                return i;
            }
        }
        return RuleSet.NO_MATCH;
    }

    /** The same contract as {@link RuleSet#matchBeforeInspection}. */
    int matchBeforeInspection(Facts f) {
        for (int i = 0; i < rules.length; i++) {
            if (naive[i].addressesAndPorts(f)) {
                return rules[i].needsInspection() ? RuleSet.NEEDS_INSPECTION : i;
            }
        }
        return RuleSet.NO_MATCH;
    }

    /** One rule's conditions as plain lists; null = no such condition. */
    private static final class NaiveRule {
        final List<AddressPrefix> src;
        final List<AddressPrefix> dst;
        final List<PortRange> sport;
        final List<PortRange> dport;
        final List<GreKeyRange> greKeys;
        final List<String> hosts;
        final List<PathGlob> paths;
        final List<String> methods;
        final Set<Protocol> protocols;
        final List<String> alpns;
        final TlsCondition tls;
        final List<Pattern> hostRegexes;
        final List<Pattern> pathRegexes;
        final boolean inspects;

        NaiveRule(Rule r) {
            src = r.sourceCondition() == null ? null : r.sourceCondition().prefixes();
            dst = r.destinationCondition() == null ? null : r.destinationCondition().prefixes();
            sport = r.sourcePorts().isEmpty() ? null : r.sourcePorts();
            dport = r.destinationPorts().isEmpty() ? null : r.destinationPorts();
            greKeys = r.greKeys().isEmpty() ? null : r.greKeys();
            hosts = r.hostCondition() == null ? null : r.hostPatterns();
            paths = r.pathGlobArray() == null ? null : List.of(r.pathGlobArray());
            methods = r.methods().isEmpty() ? null : r.methods();
            protocols = r.protocols().isEmpty() ? null : r.protocols();
            alpns = r.alpns().isEmpty() ? null : r.alpns();
            tls = r.tls();
            hostRegexes = compile(r.hostRegexes());
            pathRegexes = compile(r.pathRegexes());
            inspects = r.needsInspection();
        }

        private static List<Pattern> compile(List<String> regexes) {
            if (regexes.isEmpty()) {
                return null;
            }
            List<Pattern> out = new ArrayList<>();
            for (String r : regexes) {
                out.add(Pattern.compile(r));
            }
            return out;
        }

        boolean addressesAndPorts(Facts f) {
            return (src == null || inAny(src, f.srcHi, f.srcLo)) && (dst == null || inAny(dst, f.dstHi, f.dstLo))
                    && (sport == null || inAny(sport, f.srcPort)) && (dport == null || inAny(dport, f.dstPort))
                    && (greKeys == null || f.greKeyPresent
                            && greKeys.stream().anyMatch(k -> k.from() <= f.greKey && f.greKey <= k.to()));
        }

        boolean application(Facts f) {
            if (!inspects) {
                return true;
            }
            if (!f.applicationKnown) {
                return false;
            }
            if (protocols != null && !protocols.contains(f.protocol)) {
                return false;
            }
            if (methods != null && (f.method == null || methods.stream().noneMatch(m -> m.equalsIgnoreCase(f.method)))) {
                return false;
            }
            if (tls != null && !(f.helloSeen && holds(tls.sni(), f.sniPresent) && holds(tls.ech(), f.ech))) {
                return false;
            }
            if (alpns != null && !anyAlpn(f)) {
                return false;
            }
            if (hosts != null && !anyHost(f, h -> hosts.stream().anyMatch(p -> hostMatches(p, h)))) {
                return false;
            }
            if (paths != null && (f.path == null || paths.stream().noneMatch(g -> g.matches(f.path)))) {
                return false;
            }
            if (hostRegexes != null && !anyHost(f, h -> hostRegexes.stream().anyMatch(p -> p.matches(h)))) {
                return false;
            }
            return pathRegexes == null || f.path != null && pathRegexes.stream().anyMatch(p -> p.matches(f.path));
        }

        private static boolean holds(TlsCondition.Presence p, boolean present) {
            return p == TlsCondition.Presence.ANY || (p == TlsCondition.Presence.PRESENT) == present;
        }

        private boolean anyAlpn(Facts f) {
            if (!f.helloSeen) {
                return false;
            }
            for (int i = 0; i < Math.min(f.alpnCount, Facts.MAX_ALPN); i++) {
                if (f.alpn[i] != null && alpns.contains(f.alpn[i])) {
                    return true;
                }
            }
            return false;
        }

        private static boolean anyHost(Facts f, java.util.function.Predicate<String> test) {
            for (int i = 0; i < Math.min(f.hostCount, Facts.MAX_HOSTS); i++) {
                if (f.hosts[i] != null && test.test(f.hosts[i])) {
                    return true;
                }
            }
            return false;
        }

        /** {@code *.x} matches names ending in {@code .x} (not x itself); others match equal names. */
        private static boolean hostMatches(String pattern, String host) {
            if (pattern.startsWith("*.")) {
                String suffix = pattern.substring(1);
                return host.length() > suffix.length()
                        && host.regionMatches(true, host.length() - suffix.length(), suffix, 0, suffix.length());
            }
            return pattern.equalsIgnoreCase(host);
        }

        private static boolean inAny(List<AddressPrefix> prefixes, long hi, long lo) {
            for (AddressPrefix p : prefixes) {
                if ((hi & p.maskHi()) == p.hi() && (lo & p.maskLo()) == p.lo()) {
                    return true;
                }
            }
            return false;
        }

        private static boolean inAny(List<PortRange> ranges, int port) {
            for (PortRange r : ranges) {
                if (port >= r.from() && port <= r.to()) {
                    return true;
                }
            }
            return false;
        }
    }
}
