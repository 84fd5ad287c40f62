package org.nfqwall.rules;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * One compiled rule: its name and position in the file, its verdict, and its conditions (all of
 * which must hold; within one condition any listed value may). A missing condition matches
 * anything.
 *
 * <p>Immutable and safe to read from any thread. The read-only views ({@link #hostPatterns()}
 * and the like) are for generators and reports; matching goes through {@link RuleSet}.
 */
public final class Rule {
    private final String name;
    private final int line;
    private final int column;
    private final Verdict verdict;
    private final int mark;
    private final String markName;
    private final AddressCondition sources;
    private final AddressCondition destinations;
    private final PortCondition sourcePorts;
    private final PortCondition destinationPorts;
    private final HostCondition hosts;
    private final PathGlob[] paths;
    private final String[] methods;
    /** Indexed by {@link Protocol#ordinal()}; null when the rule has no protocol condition. */
    private final boolean[] protocols;
    private final String[] alpns;
    private final TlsCondition tls;
    private final RegexCondition hostRegex;
    private final RegexCondition pathRegex;
    private final boolean needsInspection;

    Rule(String name, int line, int column, Verdict verdict, int mark, String markName,
            AddressCondition sources, AddressCondition destinations, PortCondition sourcePorts,
            PortCondition destinationPorts, HostCondition hosts, List<PathGlob> paths, List<String> methods,
            Set<Protocol> protocols, List<String> alpns, TlsCondition tls) {
        this(name, line, column, verdict, mark, markName, sources, destinations, sourcePorts, destinationPorts, hosts,
                paths, methods, protocols, alpns, tls, null, null);
    }

    Rule(String name, int line, int column, Verdict verdict, int mark, String markName,
            AddressCondition sources, AddressCondition destinations, PortCondition sourcePorts,
            PortCondition destinationPorts, HostCondition hosts, List<PathGlob> paths, List<String> methods,
            Set<Protocol> protocols, List<String> alpns, TlsCondition tls, RegexCondition hostRegex,
            RegexCondition pathRegex) {
        this.name = name;
        this.line = line;
        this.column = column;
        this.verdict = verdict;
        this.mark = verdict == Verdict.MARK ? mark : 0;
        this.markName = verdict == Verdict.MARK ? markName : null;
        this.sources = sources;
        this.destinations = destinations;
        this.sourcePorts = sourcePorts;
        this.destinationPorts = destinationPorts;
        this.hosts = hosts;
        this.paths = paths == null ? null : paths.toArray(new PathGlob[0]);
        this.methods = methods == null ? null : methods.toArray(new String[0]);
        this.alpns = alpns == null ? null : alpns.toArray(new String[0]);
        this.tls = tls;
        this.hostRegex = hostRegex;
        this.pathRegex = pathRegex;
        this.needsInspection = hosts != null || paths != null || methods != null || protocols != null
                || alpns != null || tls != null || hostRegex != null || pathRegex != null;
        if (protocols == null) {
            this.protocols = null;
        } else {
            this.protocols = new boolean[Protocol.values().length];
            for (Protocol p : protocols) {
                this.protocols[p.ordinal()] = true;
            }
        }
    }

    /** The rule's unique name. */
    public String name() {
        return name;
    }

    /** 1-based line of the rule's mapping in the file. */
    public int line() {
        return line;
    }

    /** 1-based column of the rule's mapping in the file. */
    public int column() {
        return column;
    }

    public Verdict verdict() {
        return verdict;
    }

    /** The fwmark to set when {@link #verdict()} is {@link Verdict#MARK}, else 0. */
    public int mark() {
        return mark;
    }

    /** The {@code marks:} name the verdict used, or null (numeric mark, or not a mark verdict). */
    public String markName() {
        return markName;
    }

    /**
     * True when the rule has host, path, method, protocol, alpn, tls, host_regex or path_regex
     * conditions: it needs the request head or ClientHello.
     */
    public boolean needsInspection() {
        return needsInspection;
    }

    /** Canonical host patterns ({@code www.example.com}, {@code *.example.com}); empty = any host. */
    public List<String> hostPatterns() {
        return hosts == null ? List.of() : hosts.patterns();
    }

    /** Path globs as written; empty = any path. */
    public List<String> pathGlobs() {
        List<String> out = new ArrayList<>();
        if (paths != null) {
            for (PathGlob g : paths) {
                out.add(g.text());
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** {@code host_regex:} expressions as written; empty = no such condition. */
    public List<String> hostRegexes() {
        return hostRegex == null ? List.of() : hostRegex.texts();
    }

    /** {@code path_regex:} expressions as written; empty = no such condition. */
    public List<String> pathRegexes() {
        return pathRegex == null ? List.of() : pathRegex.texts();
    }

    /** Methods in upper case; empty = any method. */
    public List<String> methods() {
        return methods == null ? List.of() : List.of(methods);
    }

    /** Protocols the rule accepts; empty = any. */
    public Set<Protocol> protocols() {
        Set<Protocol> out = EnumSet.noneOf(Protocol.class);
        if (protocols != null) {
            for (Protocol p : Protocol.values()) {
                if (protocols[p.ordinal()]) {
                    out.add(p);
                }
            }
        }
        return Collections.unmodifiableSet(out);
    }

    /** ALPN protocol ids as written (case kept); empty = any, with or without a ClientHello. */
    public List<String> alpns() {
        return alpns == null ? List.of() : List.of(alpns);
    }

    /** The {@code tls:} condition, or null when the rule has none. */
    public TlsCondition tls() {
        return tls;
    }

    /** Source prefixes in canonical CIDR text (groups expanded); empty = any source. */
    public List<String> sources() {
        return sources == null ? List.of() : sources.texts();
    }

    /** Destination prefixes in canonical CIDR text (groups expanded); empty = any destination. */
    public List<String> destinations() {
        return destinations == null ? List.of() : destinations.texts();
    }

    /** Source port ranges; empty = any. */
    public List<PortRange> sourcePorts() {
        return sourcePorts == null ? List.of() : sourcePorts.ranges();
    }

    /** Destination port ranges; empty = any. */
    public List<PortRange> destinationPorts() {
        return destinationPorts == null ? List.of() : destinationPorts.ranges();
    }

    /** The compiled {@code host:} condition, or null; for the rule index. */
    HostCondition hostCondition() {
        return hosts;
    }

    /** The compiled {@code host_regex:} condition, or null; for {@link SteeringHosts}. */
    RegexCondition hostRegexCondition() {
        return hostRegex;
    }

    /**
     * This rule with only its {@code host:}/{@code host_file:} and {@code host_regex:} conditions
     * (same name, line, verdict and mark): what a DNS answer, which names a host and nothing else,
     * can be matched against ({@link SteeringHosts}).
     */
    Rule hostConditionsOnly() {
        return new Rule(name, line, column, verdict, mark, markName, null, null, null, null, hosts, null, null, null,
                null, null, hostRegex, null);
    }

    /** The compiled {@code path:} globs, or null; for the rule index. Do not modify. */
    PathGlob[] pathGlobArray() {
        return paths;
    }

    /** The compiled {@code src:} condition, or null; for the rule index. */
    AddressCondition sourceCondition() {
        return sources;
    }

    /** The compiled {@code dst:} condition, or null; for the rule index. */
    AddressCondition destinationCondition() {
        return destinations;
    }

    /** Address and port conditions only. Allocates nothing. */
    boolean matchesAddressesAndPorts(Facts f) {
        return (sources == null || sources.contains(f.srcHi, f.srcLo))
                && (destinations == null || destinations.contains(f.dstHi, f.dstLo))
                && (sourcePorts == null || sourcePorts.matches(f.srcPort))
                && (destinationPorts == null || destinationPorts.matches(f.dstPort));
    }

    /**
     * Host, path, method, protocol, alpn, tls and regex conditions only. They never hold before
     * inspection has finished ({@link Facts#applicationKnown}), nor when the fact they test is
     * missing (alpn and tls: no ClientHello was read). Allocates nothing, except in RE2/J when
     * the rule has a regex condition and the cheaper conditions hold.
     */
    boolean matchesApplication(Facts f) {
        if (!needsInspection) {
            return true;
        }
        if (!f.applicationKnown) {
            return false;
        }
        if (protocols != null && (f.protocol == null || !protocols[f.protocol.ordinal()])) {
            return false;
        }
        if (methods != null && !anyMethod(f.method)) {
            return false;
        }
        if (tls != null && !tls.matches(f)) {
            return false;
        }
        if (alpns != null && !anyAlpn(f)) {
            return false;
        }
        if (hosts != null && !anyHost(f)) {
            return false;
        }
        if (paths != null && !anyPath(f.path)) {
            return false;
        }
        if (hostRegex != null && !anyHostRegex(f)) {
            return false;
        }
        return pathRegex == null || f.path != null && pathRegex.matches(f.path);
    }

    private boolean anyHostRegex(Facts f) {
        int count = Math.min(f.hostCount, Facts.MAX_HOSTS);
        for (int i = 0; i < count; i++) {
            String h = f.hosts[i];
            if (h != null && hostRegex.matches(h)) {
                return true;
            }
        }
        return false;
    }

    private boolean anyMethod(String method) {
        if (method == null) {
            return false;
        }
        for (String m : methods) {
            if (m.equalsIgnoreCase(method)) {
                return true;
            }
        }
        return false;
    }

    /** Exact, case-sensitive: ALPN ids are byte strings (RFC 7301 section 3.1). */
    private boolean anyAlpn(Facts f) {
        if (!f.helloSeen) {
            return false;
        }
        int count = Math.min(f.alpnCount, Facts.MAX_ALPN);
        for (int i = 0; i < count; i++) {
            String offered = f.alpn[i];
            if (offered == null) {
                continue;
            }
            for (String wanted : alpns) {
                if (wanted.equals(offered)) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean anyHost(Facts f) {
        int count = Math.min(f.hostCount, Facts.MAX_HOSTS);
        for (int i = 0; i < count; i++) {
            String h = f.hosts[i];
            if (h != null && hosts.matches(h)) {
                return true;
            }
        }
        return false;
    }

    private boolean anyPath(String path) {
        if (path == null) {
            return false;
        }
        for (PathGlob g : paths) {
            if (g.matches(path)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Each condition this rule has, evaluated on its own by the same code {@link RuleSet#match}
     * runs, keyed by its rules-file key ({@code src, dst, sport, dport, protocol, method, tls,
     * alpn, host, path}); conditions the rule lacks are left out. For {@code nfqwall explain};
     * allocates.
     */
    java.util.Map<String, Boolean> conditionResults(Facts f) {
        java.util.Map<String, Boolean> out = new java.util.LinkedHashMap<>();
        boolean known = f.applicationKnown;
        putIf(out, "src", sources, () -> sources.contains(f.srcHi, f.srcLo));
        putIf(out, "dst", destinations, () -> destinations.contains(f.dstHi, f.dstLo));
        putIf(out, "sport", sourcePorts, () -> sourcePorts.matches(f.srcPort));
        putIf(out, "dport", destinationPorts, () -> destinationPorts.matches(f.dstPort));
        putIf(out, "protocol", protocols, () -> known && f.protocol != null && protocols[f.protocol.ordinal()]);
        putIf(out, "method", methods, () -> known && anyMethod(f.method));
        putIf(out, "tls", tls, () -> known && tls.matches(f));
        putIf(out, "alpn", alpns, () -> known && anyAlpn(f));
        putIf(out, "host", hosts, () -> known && anyHost(f));
        putIf(out, "path", paths, () -> known && anyPath(f.path));
        return out;
    }

    private static void putIf(java.util.Map<String, Boolean> out, String key, Object condition,
            java.util.function.BooleanSupplier holds) {
        if (condition != null) {
            out.put(key, holds.getAsBoolean());
        }
    }

    @Override
    public String toString() {
        return name + " (line " + line + ")";
    }
}
