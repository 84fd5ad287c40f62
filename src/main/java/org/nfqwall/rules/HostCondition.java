package org.nfqwall.rules;

import java.util.List;

/**
 * A rule's {@code host:} condition, compiled: exact canonical hosts and {@code *.x} wildcards
 * (stored as the suffix {@code .x}, so that {@code x} itself does not match), each in a
 * {@link RegionTable}. A check costs one probe for the exact name and one per dot of the host
 * (the suffixes that start at a dot), however many patterns the rule lists: a block list of a
 * million names checks as fast as one name. Immutable.
 */
final class HostCondition {
    private final RegionTable exact;
    private final RegionTable suffixes;
    private final List<String> patterns;

    private HostCondition(RegionTable exact, RegionTable suffixes, List<String> patterns) {
        this.exact = exact;
        this.suffixes = suffixes;
        this.patterns = patterns;
    }

    /** Builds the condition from patterns already normalised by {@link #normalisePattern}. */
    static HostCondition of(List<String> normalisedPatterns) {
        int wildcards = (int) normalisedPatterns.stream().filter(p -> p.startsWith("*.")).count();
        RegionTable exact = new RegionTable(true, normalisedPatterns.size() - wildcards);
        RegionTable suffixes = new RegionTable(true, wildcards);
        for (String p : normalisedPatterns) {
            if (p.startsWith("*.")) {
                suffixes.add(p.substring(1));
            } else {
                exact.add(p);
            }
        }
        exact.trim();
        suffixes.trim();
        return new HostCondition(exact, suffixes, List.copyOf(normalisedPatterns));
    }

    /**
     * Checks one {@code host:} pattern and returns its canonical text: a host in the
     * {@link HostNames} form, or {@code *.} followed by a name.
     */
    static String normalisePattern(String raw) throws BadValueException {
        if (raw.equals("*")) {
            throw new BadValueException("\"*\" alone is not a host pattern, expected \"*.name\" (leave out host: to match any host)");
        }
        boolean wildcard = raw.startsWith("*.");
        String rest = wildcard ? raw.substring(2) : raw;
        if (rest.indexOf('*') >= 0) {
            throw new BadValueException("'*' is only allowed as a leading \"*.\", expected a form like *.example.com");
        }
        if (!wildcard) {
            return HostNames.canonical(rest);
        }
        String name = rest.endsWith(".") ? rest.substring(0, rest.length() - 1) : rest;
        if (name.isEmpty()) {
            throw new BadValueException("\"*.\" must be followed by a name, expected a form like *.example.com");
        }
        String canonical = HostNames.canonical(name);
        if (!canonical.equals(HostNames.checkNameOrNull(name))) {
            throw new BadValueException("\"*.\" must be followed by a name, not an IP address");
        }
        return "*." + canonical;
    }

    /**
     * True when {@code host} (canonical form, from facts) matches any pattern: equal to an exact
     * one, or ending in a suffix at a dot that is not its first character. ASCII case is ignored.
     * Allocates nothing.
     */
    boolean matches(String host) {
        int len = host.length();
        if (suffixes.size() > 0) {
            // Hash the suffixes right to left: h(s[d..)) = s[d] * 31^(len-1-d) + h(s[d+1..)).
            int h = 0;
            int pow = 1;
            int stop = Math.max(1, len - suffixes.longest());
            for (int d = len - 1; d >= stop; d--) {
                char c = host.charAt(d);
                h += RegionTable.lower(c) * pow;
                pow *= 31;
                if (c == '.' && suffixes.find(host, d, len, h) >= 0) {
                    return true;
                }
            }
        }
        return exact.size() > 0 && exact.find(host, 0, len, RegionTable.hash(host, 0, len)) >= 0;
    }

    /** Exact names (canonical), in a table for the rule index; do not modify. */
    RegionTable exactTable() {
        return exact;
    }

    /** Wildcard suffixes ({@code .example.com}), in a table for the rule index; do not modify. */
    RegionTable suffixTable() {
        return suffixes;
    }

    List<String> patterns() {
        return patterns;
    }
}
