package org.nfqwall.rules;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * Compares the conditions of two rules, key by key, for {@link RuleLint}. Every answer is
 * "proven" or "not proven": {@link #covers} is true only when every flow the second rule matches
 * is certainly matched by the first, and {@link #overlapsCertainly} only when some flow certainly
 * matches both. Where the answer would need real reasoning about globs or a key the lint does not
 * know, it is "not proven", so the lint never reports a rule as dead when it is not.
 *
 * <p>Matching questions (does this wildcard match that name, does this glob match that literal
 * path, does this prefix contain that address) are answered by the matching classes themselves.
 * Stateless.
 */
final class RuleContainment {
    /** The condition keys compared one by one. */
    enum Key { SRC, DST, SPORT, DPORT, GRE_KEY, PROTOCOL, METHOD, TLS, ALPN, HOST, PATH }

    private static final Set<Protocol> HTTP = EnumSet.of(Protocol.HTTP);
    private static final Set<Protocol> HELLO = EnumSet.of(Protocol.TLS, Protocol.QUIC);
    private static final Set<Protocol> NAMED = EnumSet.of(Protocol.HTTP, Protocol.TLS, Protocol.QUIC);
    /** Where IPv4 addresses live in the 128-bit space: {@code ::ffff:0:0/96}. */
    private static final AddressPrefix IPV4_MAPPED =
            new AddressPrefix(0, Addresses.IPV4_MAPPED_LO, -1L, 0xFFFFFFFF00000000L, 96, false);

    private RuleContainment() {
    }

    /** Proven: {@code a} matches every flow {@code b} matches. */
    static boolean covers(LintConditions a, LintConditions b) {
        if (a.opaque || b.opaque || !a.unknownKeys.equals(b.unknownKeys)) {
            return false;
        }
        for (Key k : Key.values()) {
            if (!covers(k, a, b)) {
                return false;
            }
        }
        return true;
    }

    /** Proven: on key {@code k} alone, {@code a} allows everything {@code b} allows. */
    static boolean covers(Key k, LintConditions a, LintConditions b) {
        return switch (k) {
            case SRC -> all(a.sources, b.sources, RuleContainment::prefixCovers);
            case DST -> all(a.destinations, b.destinations, RuleContainment::prefixCovers);
            case SPORT -> all(a.sourcePorts, b.sourcePorts, (x, y) -> x.from() <= y.from() && y.to() <= x.to());
            case DPORT -> all(a.destinationPorts, b.destinationPorts,
                    (x, y) -> x.from() <= y.from() && y.to() <= x.to());
            case GRE_KEY -> all(a.greKeys, b.greKeys, (x, y) -> x.from() <= y.from() && y.to() <= x.to());
            case PROTOCOL -> a.protocols == null || b.protocols != null && a.protocols.containsAll(b.protocols);
            case METHOD -> a.methods == null || b.methods != null && a.methods.containsAll(b.methods);
            case ALPN -> a.alpns == null || b.alpns != null && a.alpns.containsAll(b.alpns);
            case TLS -> a.tls == null || b.tls != null && part(a.tls.sni(), b.tls.sni()) && part(a.tls.ech(), b.tls.ech());
            case HOST -> all(a.hosts, b.hosts, RuleContainment::hostCovers);
            case PATH -> all(a.paths, b.paths, RuleContainment::globCovers);
        };
    }

    /** Proven: on at least one key {@code a} allows more than {@code b} (covers it, and is not covered by it). */
    static boolean broaderSomewhere(LintConditions a, LintConditions b) {
        for (Key k : Key.values()) {
            if (covers(k, a, b) && !covers(k, b, a)) {
                return true;
            }
        }
        return false;
    }

    /** Proven: some flow matches both rules. */
    static boolean overlapsCertainly(LintConditions a, LintConditions b) {
        if (a.opaque || b.opaque || !a.unknownKeys.isEmpty() || !b.unknownKeys.isEmpty()) {
            return false;
        }
        boolean each = some(a.sources, b.sources, RuleContainment::prefixesOverlap)
                && some(a.destinations, b.destinations, RuleContainment::prefixesOverlap)
                && some(a.sourcePorts, b.sourcePorts, (x, y) -> x.from() <= y.to() && y.from() <= x.to())
                && some(a.destinationPorts, b.destinationPorts, (x, y) -> x.from() <= y.to() && y.from() <= x.to())
                && some(a.greKeys, b.greKeys, (x, y) -> x.from() <= y.to() && y.from() <= x.to())
                && some(list(a.protocols), list(b.protocols), Object::equals)
                && some(list(a.methods), list(b.methods), Object::equals)
                && some(list(a.alpns), list(b.alpns), Object::equals)
                && (a.tls == null || b.tls == null
                        || compatible(a.tls.sni(), b.tls.sni()) && compatible(a.tls.ech(), b.tls.ech()))
                && some(a.hosts, b.hosts, (x, y) -> hostCovers(x, y) || hostCovers(y, x))
                && some(a.paths, b.paths, (x, y) -> globCovers(x, y) || globCovers(y, x));
        return each && familiesMeet(joint(a.sources, b.sources), joint(a.destinations, b.destinations))
                && unsatisfiable(jointProtocols(a, b), a.hosts != null || b.hosts != null,
                a.methods != null || b.methods != null, a.paths != null || b.paths != null,
                a.alpns != null || b.alpns != null, a.tls != null || b.tls != null,
                absentSni(a.tls) || absentSni(b.tls)) == null;
    }

    /** Why no flow can satisfy all of a rule's conditions together, or null when some can (or it is not proven). */
    static String unsatisfiable(LintConditions c) {
        if (c.opaque) {
            return null;
        }
        if (!familiesMeet(c.sources, c.destinations)) {
            return "no flow has a src and a dst like these: one is IPv4 and the other IPv6";
        }
        return unsatisfiable(c.protocols, c.hosts != null, c.methods != null, c.paths != null, c.alpns != null,
                c.tls != null, absentSni(c.tls));
    }

    /**
     * Which facts go together: method and path come only from HTTP requests; alpn and tls only
     * from TLS or QUIC ClientHellos; hosts only from those three, and never from a hello without
     * a server name.
     */
    private static String unsatisfiable(Set<Protocol> protocols, boolean host, boolean method, boolean path,
            boolean alpn, boolean tls, boolean noSni) {
        Set<Protocol> allowed = protocols == null ? EnumSet.allOf(Protocol.class) : EnumSet.copyOf(protocols);
        List<String> needs = new ArrayList<>();
        if (protocols != null) {
            needs.add("protocol allows only " + String.join(", ", protocols.stream().map(Protocol::label).toList()));
        }
        if (method || path) {
            allowed.retainAll(HTTP);
            needs.add((method && path ? "method and path hold" : method ? "method holds" : "path holds")
                    + " only for HTTP requests");
        }
        if (alpn || tls) {
            allowed.retainAll(HELLO);
            needs.add((alpn && tls ? "alpn and tls hold" : alpn ? "alpn holds" : "tls holds")
                    + " only for TLS or QUIC ClientHellos");
        }
        if (host) {
            allowed.retainAll(NAMED);
            if (noSni) {
                return "host needs a server name, but tls {sni: none} needs a ClientHello without one";
            }
            needs.add("host holds only for HTTP requests and TLS or QUIC ClientHellos");
        }
        return allowed.isEmpty() ? String.join("; ", needs) : null;
    }

    /**
     * True when some source and some destination can belong to one flow: both IPv4 or both IPv6
     * (IPv4 is held as {@code ::ffff:0:0/96}, so a prefix such as {@code ::/0} allows both).
     */
    private static boolean familiesMeet(List<AddressPrefix> sources, List<AddressPrefix> destinations) {
        if (sources == null || destinations == null) {
            return true;
        }
        for (AddressPrefix s : sources) {
            for (AddressPrefix d : destinations) {
                if (holdsIpv4(s) && holdsIpv4(d) || holdsIpv6(s) && holdsIpv6(d)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean holdsIpv4(AddressPrefix p) {
        return prefixesOverlap(p, IPV4_MAPPED);
    }

    private static boolean holdsIpv6(AddressPrefix p) {
        return !prefixCovers(IPV4_MAPPED, p);
    }

    /** The prefixes both conditions allow (the narrower of each pair that meets); null when neither has one. */
    private static List<AddressPrefix> joint(List<AddressPrefix> a, List<AddressPrefix> b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        List<AddressPrefix> out = new ArrayList<>();
        for (AddressPrefix x : a) {
            for (AddressPrefix y : b) {
                if (prefixCovers(x, y)) {
                    out.add(y);
                } else if (prefixCovers(y, x)) {
                    out.add(x);
                }
            }
        }
        return out;
    }

    private static Set<Protocol> jointProtocols(LintConditions a, LintConditions b) {
        if (a.protocols == null) {
            return b.protocols;
        }
        if (b.protocols == null) {
            return a.protocols;
        }
        Set<Protocol> both = EnumSet.copyOf(a.protocols);
        both.retainAll(b.protocols);
        return both;
    }

    private static boolean absentSni(TlsCondition t) {
        return t != null && t.sni() == TlsCondition.Presence.ABSENT;
    }

    private static boolean part(TlsCondition.Presence a, TlsCondition.Presence b) {
        return a == TlsCondition.Presence.ANY || a == b;
    }

    private static boolean compatible(TlsCondition.Presence a, TlsCondition.Presence b) {
        return a == TlsCondition.Presence.ANY || b == TlsCondition.Presence.ANY || a == b;
    }

    /** Absent {@code a} allows anything; otherwise each value of {@code b} lies inside one value of {@code a}. */
    private static <T> boolean all(List<T> a, List<T> b, BiPredicate<T, T> inside) {
        if (a == null) {
            return true;
        }
        if (b == null) {
            return false;
        }
        for (T y : b) {
            if (a.stream().noneMatch(x -> inside.test(x, y))) {
                return false;
            }
        }
        return true;
    }

    /** Either absent, or some pair of values certainly meets. */
    private static <T> boolean some(List<T> a, List<T> b, BiPredicate<T, T> meet) {
        if (a == null || b == null) {
            return true;
        }
        for (T x : a) {
            for (T y : b) {
                if (meet.test(x, y)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static <T> List<T> list(Set<T> s) {
        return s == null ? null : List.copyOf(s);
    }

    /** {@code outer} contains every address of {@code inner}: it is no longer and contains inner's network. */
    static boolean prefixCovers(AddressPrefix outer, AddressPrefix inner) {
        return bits(outer) <= bits(inner) && new AddressCondition(List.of(outer)).contains(inner.hi(), inner.lo());
    }

    private static boolean prefixesOverlap(AddressPrefix a, AddressPrefix b) {
        return prefixCovers(a, b) || prefixCovers(b, a);
    }

    private static int bits(AddressPrefix p) {
        return p.ipv4() ? 96 + p.length() : p.length();
    }

    /**
     * {@code outer} matches every host {@code inner} matches: the same pattern; an exact name
     * that outer's wildcard matches; or a wildcard {@code *.y} under outer's {@code *.x}.
     */
    static boolean hostCovers(String outer, String inner) {
        if (outer.equals(inner)) {
            return true;
        }
        String name = inner.startsWith("*.") ? inner.substring(2) : inner;
        return outer.startsWith("*.") && HostCondition.of(List.of(outer)).matches(name);
    }

    /**
     * {@code outer} matches every path {@code inner} matches, in the cases that are easy to prove:
     * identical globs; a literal {@code inner} (no special characters) that {@code outer} itself
     * matches; or a pure prefix glob {@code P*} whose {@code P} starts the literal prefix of
     * {@code inner}. Anything else is "not proven".
     */
    static boolean globCovers(String outer, String inner) {
        if (outer.equals(inner)) {
            return true;
        }
        if (literalPrefix(inner).length() == inner.length()) {
            try {
                return PathGlob.compile(outer).matches(inner);
            } catch (BadValueException e) {
                return false;
            }
        }
        if (!outer.endsWith("*")) {
            return false;
        }
        String prefix = outer.substring(0, outer.length() - 1);
        return literalPrefix(prefix).length() == prefix.length() && literalPrefix(inner).startsWith(prefix);
    }

    /** The characters before the first special glob character ({@code * ? [ \}). */
    static String literalPrefix(String glob) {
        for (int i = 0; i < glob.length(); i++) {
            if ("*?[\\".indexOf(glob.charAt(i)) >= 0) {
                return glob.substring(0, i);
            }
        }
        return glob;
    }
}
