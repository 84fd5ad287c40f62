package org.nfqwall.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Holds the compiled matcher to the naive one: random rule sets drawn from small vocabularies (so
 * that rules and facts collide often: shared hosts, nested wildcards, overlapping globs, nested
 * CIDRs of both families, port ranges), random facts, and the same answer from
 * {@link RuleSet#match} and {@link ReferenceMatcher#match}, and from both
 * {@code matchBeforeInspection}s, every time.
 */
class RuleIndexPropertyTest {
    private static final long SEED = 0x5eed_2024L;
    private static final int RULE_SETS = 2_000;
    private static final int MAX_RULES = 200;
    private static final int FACTS_PER_SET = 200;

    private static final String[] HOST_NAMES = {
        "example.com", "a.example.com", "b.example.com", "x.a.example.com", "tracker.net", "ads.tracker.net",
        "shop.org", "www.shop.org", "10.1.2.3", "fd00::1", "a-b.example.com", "example.co",
    };
    private static final String[] HOST_PATTERNS = {
        "example.com", "a.example.com", "x.a.example.com", "ads.tracker.net", "shop.org", "10.1.2.3", "fd00::1",
        "*.example.com", "*.a.example.com", "*.tracker.net", "*.org", "*.shop.org", "*.com", "*.co",
    };
    private static final String[] FACT_HOSTS = {
        "example.com", "a.example.com", "b.example.com", "x.a.example.com", "y.x.a.example.com", "tracker.net",
        "ads.tracker.net", "shop.org", "www.shop.org", "10.1.2.3", "fd00::1", "A.Example.COM", "example.co",
        "xexample.com", "com", "org", "a-b.example.com",
    };
    private static final String[] GLOBS = {
        "/", "*", "/app/*", "/app/x", "/app/*.js", "*.js", "/a?p/*", "/[ab]pp/*", "/app", "/api/v1/*",
        "/api/*/x", "/ap\\*p", "/app/x/*", "/[!a]*", "/api/v1/q",
    };
    private static final String[] FACT_PATHS = {
        "/", "/app", "/app/", "/app/x", "/app/y.js", "/bpp/z", "/api/v1/q", "/api/v2/x", "/ap*p", "/x.js",
        "/APP/x", "/app/x/y", "/zzz", "",
    };
    private static final String[] CIDRS = {
        "10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.1.2.3/32", "0.0.0.0/0", "::/0", "fd00::/8",
        "fd00:1::/32", "fd00::1/128", "192.168.0.0/16", "10.1.2.3", "::ffff:10.0.0.0/104",
    };
    private static final String[] FACT_V4 = {"10.1.2.3", "10.1.9.9", "10.200.0.1", "192.168.1.1", "172.16.0.1"};
    private static final String[] FACT_V6 = {"fd00::1", "fd00:1::5", "fe80::1", "fd00::2", "2001:db8::1"};
    private static final String[] PORTS = {"80", "443", "8000-8080", "0-1023", "53", "1024-65535", "8080"};
    private static final int[] FACT_PORTS = {80, 443, 8080, 53, 22, 40000, 1023, 1024, 0, 65535};
    private static final String[] GRE_KEYS = {"22", "23", "0x100-0x1ff", "0", "4294967295", "20-30"};
    private static final long[] FACT_GRE_KEYS = {22, 23, 25, 0x180, 0, 0xFFFF_FFFFL, 1000};
    private static final String[] METHODS = {"GET", "POST", "HEAD"};
    private static final String[] FACT_METHODS = {"GET", "get", "POST", "PUT", null};
    private static final String[] ALPNS = {"h2", "http/1.1", "h3"};
    private static final String[] HOST_REGEXES = {"ads\\..*", ".*\\.example\\.com", "shop\\.org", "[a-z]+\\.tracker\\.net"};
    private static final String[] PATH_REGEXES = {"/app/.*", "/api/v[0-9]+/.*", ".*\\.js", "/"};

    @Test
    void compiledMatcherAgreesWithTheNaiveWalkOnRandomRuleSets() throws BadValueException {
        Random random = new Random(SEED);
        int[] outcomes = new int[4];
        for (int set = 0; set < RULE_SETS; set++) {
            List<Rule> rules = new ArrayList<>();
            int n = 1 + random.nextInt(MAX_RULES);
            for (int i = 0; i < n; i++) {
                rules.add(randomRule(random, "r" + i));
            }
            RuleSet compiled = new RuleSet("random.yaml", Verdict.ACCEPT, MarkBits.USER_MASK, rules, Map.of(),
                    Map.of(), Map.of(), ListStats.NONE);
            ReferenceMatcher reference = new ReferenceMatcher(compiled);
            for (int k = 0; k < FACTS_PER_SET; k++) {
                Facts f = randomFacts(random);
                int want = reference.match(f);
                assertEquals(want, compiled.match(f), () -> "match " + describe(f));
                int wantBefore = reference.matchBeforeInspection(f);
                assertEquals(wantBefore, compiled.matchBeforeInspection(f), () -> "matchBeforeInspection " + describe(f));
                outcomes[want == RuleSet.NO_MATCH ? 0 : want < 5 ? 1 : 2]++;
                outcomes[3] += wantBefore >= 0 ? 1 : 0;
            }
        }
        // The vocabularies must make every outcome common, or agreement proves little.
        int total = RULE_SETS * FACTS_PER_SET;
        for (int o : outcomes) {
            assertTrue(o > total / 50, () -> "outcomes (none, early, late, decided before inspection): "
                    + java.util.Arrays.toString(outcomes));
        }
    }

    private static Rule randomRule(Random random, String name) throws BadValueException {
        AddressCondition src = null;
        AddressCondition dst = null;
        if (random.nextInt(4) == 0) {
            src = new AddressCondition(prefixes(random));
        }
        if (random.nextInt(3) == 0) {
            dst = new AddressCondition(prefixes(random));
        }
        PortCondition sport = random.nextInt(8) == 0 ? ports(random) : null;
        PortCondition dport = random.nextInt(4) == 0 ? ports(random) : null;
        GreKeyCondition greKeys = null;
        if (random.nextInt(8) == 0) {
            List<GreKeyRange> keys = new ArrayList<>();
            for (String k : pick(random, GRE_KEYS, 1 + random.nextInt(2))) {
                keys.add(GreKeyRange.parse(k));
            }
            greKeys = new GreKeyCondition(keys);
        }
        HostCondition host = null;
        if (random.nextInt(3) == 0) {
            List<String> patterns = new ArrayList<>();
            for (String p : pick(random, HOST_PATTERNS, 1 + random.nextInt(3))) {
                patterns.add(HostCondition.normalisePattern(p));
            }
            host = HostCondition.of(patterns);
        }
        List<PathGlob> paths = null;
        if (random.nextInt(3) == 0) {
            paths = new ArrayList<>();
            for (String g : pick(random, GLOBS, 1 + random.nextInt(3))) {
                paths.add(PathGlob.compile(g));
            }
        }
        List<String> methods = random.nextInt(6) == 0 ? pick(random, METHODS, 1 + random.nextInt(2)) : null;
        Set<Protocol> protocols = null;
        if (random.nextInt(6) == 0) {
            protocols = EnumSet.noneOf(Protocol.class);
            protocols.add(Protocol.values()[random.nextInt(Protocol.values().length)]);
            protocols.add(Protocol.values()[random.nextInt(Protocol.values().length)]);
        }
        List<String> alpns = random.nextInt(8) == 0 ? pick(random, ALPNS, 1 + random.nextInt(2)) : null;
        TlsCondition tls = null;
        if (random.nextInt(10) == 0) {
            TlsCondition.Presence[] values = TlsCondition.Presence.values();
            tls = new TlsCondition(values[random.nextInt(3)], values[random.nextInt(3)]);
        }
        RegexCondition hostRegex = random.nextInt(10) == 0 ? RegexCondition.of(pick(random, HOST_REGEXES, 1 + random.nextInt(2))) : null;
        RegexCondition pathRegex = random.nextInt(10) == 0 ? RegexCondition.of(pick(random, PATH_REGEXES, 1 + random.nextInt(2))) : null;
        return new Rule(name, 1, 1, Verdict.DROP, 0, null, src, dst, sport, dport, host, paths, methods, protocols,
                alpns, tls, hostRegex, pathRegex, greKeys);
    }

    private static List<AddressPrefix> prefixes(Random random) throws BadValueException {
        List<AddressPrefix> out = new ArrayList<>();
        for (String c : pick(random, CIDRS, 1 + random.nextInt(3))) {
            out.add(AddressPrefix.parse(c));
        }
        return out;
    }

    private static PortCondition ports(Random random) throws BadValueException {
        List<PortRange> out = new ArrayList<>();
        for (String p : pick(random, PORTS, 1 + random.nextInt(3))) {
            out.add(PortRange.parse(p));
        }
        return new PortCondition(out);
    }

    /** {@code count} values, possibly repeated (a rule may list a value twice). */
    private static List<String> pick(Random random, String[] from, int count) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(from[random.nextInt(from.length)]);
        }
        return out;
    }

    private static Facts randomFacts(Random random) {
        boolean v6 = random.nextInt(3) == 0;
        String[] addresses = v6 ? FACT_V6 : FACT_V4;
        Facts f = RuleSetMatchTest.flow(addresses[random.nextInt(addresses.length)],
                addresses[random.nextInt(addresses.length)], FACT_PORTS[random.nextInt(FACT_PORTS.length)],
                FACT_PORTS[random.nextInt(FACT_PORTS.length)]);
        f.applicationKnown = random.nextInt(5) != 0;
        if (random.nextBoolean()) {
            f.tunnelled = true;
            f.greKeyPresent = random.nextInt(4) != 0;
            f.greKey = f.greKeyPresent ? FACT_GRE_KEYS[random.nextInt(FACT_GRE_KEYS.length)] : 0;
        }
        f.protocol = Protocol.values()[random.nextInt(Protocol.values().length)];
        int hosts = random.nextInt(3);
        for (int i = 0; i < hosts; i++) {
            f.addHost(FACT_HOSTS[random.nextInt(FACT_HOSTS.length)]);
        }
        f.path = random.nextInt(6) == 0 ? null : FACT_PATHS[random.nextInt(FACT_PATHS.length)];
        f.method = FACT_METHODS[random.nextInt(FACT_METHODS.length)];
        f.helloSeen = random.nextBoolean();
        f.sniPresent = random.nextBoolean();
        f.ech = random.nextBoolean();
        int alpns = random.nextInt(3);
        for (int i = 0; i < alpns; i++) {
            f.addAlpn(ALPNS[random.nextInt(ALPNS.length)]);
        }
        return f;
    }

    private static String describe(Facts f) {
        return "known=" + f.applicationKnown + " proto=" + f.protocol + " hosts=" + List.of(f.hosts).subList(0,
                f.hostCount) + " path=" + f.path + " method=" + f.method + " ports=" + f.srcPort + "->" + f.dstPort
                + " src=" + Long.toHexString(f.srcLo) + " dst=" + Long.toHexString(f.dstHi) + ":"
                + Long.toHexString(f.dstLo) + " gre_key=" + (f.greKeyPresent ? f.greKey : "none");
    }
}
