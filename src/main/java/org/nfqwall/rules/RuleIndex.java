package org.nfqwall.rules;

/**
 * The compiled first-match matcher behind {@link RuleSet}: finds the first rule that holds
 * without walking the rules, so its cost depends on the facts, not on the number of rules.
 *
 * <p><b>Shape.</b> Each rule is filed under one key, its most selective indexable condition, in
 * this order: its {@code host:} patterns (each exact name, each {@code *.} suffix); else its
 * {@code path:} globs' literal prefixes when every one is at least {@value #LONG_PATH_PREFIX}
 * characters; else its {@code dst:} prefixes; else its {@code src:} prefixes; else its path
 * prefixes however short; else the "always" list. A rule can only hold if the facts reach its key
 * (a host matches one of its patterns, the path starts with one of its globs' prefixes, the
 * address lies in one of its prefixes), so the rules filed under the keys the facts reach are a
 * superset of the rules that hold. A lookup gathers those lists (the exact host, the host's
 * suffixes at each dot, the path's prefixes of each length filed, each prefix length of the
 * destination and source addresses, the always list), merges them in rule order
 * ({@link MatchScratch}) and verifies each candidate fully; the first that verifies is the first
 * rule in file order that holds, exactly as a walk over all rules would find
 * ({@link ReferenceMatcher} is that walk, and the tests hold the two to the same answers).
 *
 * <p>Why one key per rule: every rule sits in one list, so memory grows with the patterns
 * written and a rule is verified at most once per lookup. Why a merge and not a bitset: the
 * merge costs the candidates up to the first match, a bitset the number of rules. The tables are
 * hash tables searched by region ({@link RegionTable}, {@link PrefixTable}): no substring, no
 * boxing, nothing allocated per lookup. They answer what a reversed-label trie of hosts, a
 * character trie of path prefixes and a bit trie of CIDRs would (every filed key that is a
 * suffix of the host at a dot, a prefix of the path, a prefix of the address), with one probe
 * per dot, per filed path-prefix length and per filed CIDR length instead of one pointer chase
 * per character or bit, and with a few flat arrays instead of an object per node.
 *
 * <p>{@link #matchBeforeInspection} has its own lists: rules filed under their {@code dst:}
 * prefixes, else {@code src:} prefixes, else always, since before inspection only addresses and
 * ports are known.
 *
 * <p>Immutable once built; safe to use from many threads (each uses its own scratch).
 */
final class RuleIndex {
    /** Path prefixes shorter than this ({@value} characters, e.g. {@code /a}) lose to an address key. */
    static final int LONG_PATH_PREFIX = 2;

    private final Rule[] rules;
    private final RegionTable exactHosts = new RegionTable(true, 64);
    private final RegionTable hostSuffixes = new RegionTable(true, 64);
    private final RegionTable pathPrefixes = new RegionTable(false, 64);
    private final PrefixTable destinations = new PrefixTable(16);
    private final PrefixTable sources = new PrefixTable(16);
    /** {@code pathLengthFiled[n]}: some path prefix of length n is filed. */
    private final boolean[] pathLengthFiled;
    private final Postings exactHostRules;
    private final Postings suffixRules;
    private final Postings pathRules;
    private final Postings destinationRules;
    private final Postings sourceRules;
    private final int[] always;
    private final Postings destinationRulesBefore;
    private final Postings sourceRulesBefore;
    private final int[] alwaysBefore;

    RuleIndex(Rule[] rules) {
        this.rules = rules;
        Postings.Builder exact = new Postings.Builder();
        Postings.Builder suffix = new Postings.Builder();
        Postings.Builder path = new Postings.Builder();
        Postings.Builder dst = new Postings.Builder();
        Postings.Builder src = new Postings.Builder();
        Postings.Builder dstBefore = new Postings.Builder();
        Postings.Builder srcBefore = new Postings.Builder();
        IntList alwaysList = new IntList();
        IntList alwaysBeforeList = new IntList();
        for (int i = 0; i < rules.length; i++) {
            Rule r = rules[i];
            HostCondition hosts = r.hostCondition();
            PathGlob[] globs = r.pathGlobArray();
            if (hosts != null) {
                fileHosts(hosts.exactTable(), exactHosts, exact, i);
                fileHosts(hosts.suffixTable(), hostSuffixes, suffix, i);
            } else if (globs != null && shortestPrefix(globs) >= LONG_PATH_PREFIX) {
                filePaths(globs, path, i);
            } else if (r.destinationCondition() != null) {
                fileAddresses(r.destinationCondition(), destinations, dst, i);
            } else if (r.sourceCondition() != null) {
                fileAddresses(r.sourceCondition(), sources, src, i);
            } else if (globs != null) {
                filePaths(globs, path, i);
            } else {
                alwaysList.add(i);
            }
            if (r.destinationCondition() != null) {
                fileAddresses(r.destinationCondition(), destinations, dstBefore, i);
            } else if (r.sourceCondition() != null) {
                fileAddresses(r.sourceCondition(), sources, srcBefore, i);
            } else {
                alwaysBeforeList.add(i);
            }
        }
        exactHosts.trim();
        hostSuffixes.trim();
        pathPrefixes.trim();
        pathLengthFiled = new boolean[pathPrefixes.longest() + 1];
        for (int k = 0; k < pathPrefixes.size(); k++) {
            pathLengthFiled[pathPrefixes.key(k).length()] = true;
        }
        exactHostRules = exact.build(exactHosts.size());
        suffixRules = suffix.build(hostSuffixes.size());
        pathRules = path.build(pathPrefixes.size());
        destinationRules = dst.build(destinations.size());
        sourceRules = src.build(sources.size());
        destinationRulesBefore = dstBefore.build(destinations.size());
        sourceRulesBefore = srcBefore.build(sources.size());
        always = alwaysList.toArray();
        alwaysBefore = alwaysBeforeList.toArray();
    }

    /** See {@link RuleSet#match}. Allocates nothing (regex checks aside, see {@link RegexCondition}). */
    int match(Facts f) {
        MatchScratch s = MatchScratch.forThisThread();
        if (f.applicationKnown) {
            int count = Math.min(f.hostCount, Facts.MAX_HOSTS);
            for (int i = 0; i < count; i++) {
                if (f.hosts[i] != null) {
                    gatherHost(s, f.hosts[i]);
                }
            }
            if (f.path != null && pathPrefixes.size() > 0) {
                gatherPath(s, f.path);
            }
        }
        gatherAddress(s, destinations, destinationRules, f.dstHi, f.dstLo);
        gatherAddress(s, sources, sourceRules, f.srcHi, f.srcLo);
        s.add(always, 0, always.length);
        for (int id = s.next(); id >= 0; id = s.next()) {
            Rule r = rules[id];
            if (r.matchesAddressesAndPorts(f) && r.matchesApplication(f)) {
                return id;
            }
        }
        return RuleSet.NO_MATCH;
    }

    /** See {@link RuleSet#matchBeforeInspection}. Allocates nothing. */
    int matchBeforeInspection(Facts f) {
        MatchScratch s = MatchScratch.forThisThread();
        gatherAddress(s, destinations, destinationRulesBefore, f.dstHi, f.dstLo);
        gatherAddress(s, sources, sourceRulesBefore, f.srcHi, f.srcLo);
        s.add(alwaysBefore, 0, alwaysBefore.length);
        for (int id = s.next(); id >= 0; id = s.next()) {
            Rule r = rules[id];
            if (r.matchesAddressesAndPorts(f)) {
                return r.needsInspection() ? RuleSet.NEEDS_INSPECTION : id;
            }
        }
        return RuleSet.NO_MATCH;
    }

    /** The exact name and each suffix that starts at a dot (not the first character). */
    private void gatherHost(MatchScratch s, String host) {
        int len = host.length();
        if (hostSuffixes.size() > 0) {
            int h = 0;
            int pow = 1;
            int stop = Math.max(1, len - hostSuffixes.longest());
            for (int d = len - 1; d >= stop; d--) {
                char c = host.charAt(d);
                h += RegionTable.lower(c) * pow;
                pow *= 31;
                if (c == '.') {
                    s.add(suffixRules, hostSuffixes.find(host, d, len, h));
                }
            }
        }
        if (exactHosts.size() > 0) {
            s.add(exactHostRules, exactHosts.find(host, 0, len, RegionTable.hash(host, 0, len)));
        }
    }

    /** Each prefix of the path whose length some filed prefix has, hashed incrementally. */
    private void gatherPath(MatchScratch s, String path) {
        int end = Math.min(path.length(), pathLengthFiled.length - 1);
        int h = 0;
        for (int n = 0; ; n++) {
            if (pathLengthFiled[n]) {
                s.add(pathRules, pathPrefixes.find(path, 0, n, h));
            }
            if (n == end) {
                return;
            }
            h = 31 * h + RegionTable.lower(path.charAt(n));
        }
    }

    private static void gatherAddress(MatchScratch s, PrefixTable table, Postings lists, long hi, long lo) {
        if (lists.ids.length == 0) {
            return;
        }
        for (int k = 0; k < table.lengthCount(); k++) {
            int key = table.findAt(k, hi, lo);
            if (key >= 0) {
                s.add(lists, key);
            }
        }
    }

    private static void fileHosts(RegionTable patterns, RegionTable keys, Postings.Builder lists, int rule) {
        for (int k = 0; k < patterns.size(); k++) {
            lists.add(keys.add(patterns.key(k)), rule);
        }
    }

    private void filePaths(PathGlob[] globs, Postings.Builder lists, int rule) {
        for (PathGlob g : globs) {
            lists.add(pathPrefixes.add(g.literalPrefix()), rule);
        }
    }

    private static void fileAddresses(AddressCondition c, PrefixTable keys, Postings.Builder lists, int rule) {
        for (AddressPrefix p : c.prefixes()) {
            lists.add(keys.add(p), rule);
        }
    }

    private static int shortestPrefix(PathGlob[] globs) {
        int shortest = Integer.MAX_VALUE;
        for (PathGlob g : globs) {
            shortest = Math.min(shortest, g.literalPrefix().length());
        }
        return shortest;
    }

    /** A growable list of ints for building. */
    private static final class IntList {
        private int[] a = new int[16];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
