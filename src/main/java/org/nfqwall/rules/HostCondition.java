package org.nfqwall.rules;

import java.util.List;

/**
 * A rule's {@code host:} condition, compiled: exact canonical hosts and {@code *.x} wildcards
 * (stored as the suffix {@code .x}, so that {@code x} itself does not match). Immutable.
 */
final class HostCondition {
    private final String[] exact;
    private final String[] suffixes;
    private final List<String> patterns;

    private HostCondition(String[] exact, String[] suffixes, List<String> patterns) {
        this.exact = exact;
        this.suffixes = suffixes;
        this.patterns = patterns;
    }

    /** Builds the condition from patterns already normalised by {@link #normalisePattern}. */
    static HostCondition of(List<String> normalisedPatterns) {
        String[] exact = normalisedPatterns.stream().filter(p -> !p.startsWith("*.")).toArray(String[]::new);
        String[] suffixes = normalisedPatterns.stream().filter(p -> p.startsWith("*."))
                .map(p -> p.substring(1)).toArray(String[]::new);
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

    /** True when {@code host} (canonical form, from facts) matches any pattern. Allocates nothing. */
    boolean matches(String host) {
        int len = host.length();
        for (String e : exact) {
            if (e.length() == len && host.regionMatches(true, 0, e, 0, len)) {
                return true;
            }
        }
        for (String s : suffixes) {
            int sl = s.length();
            if (len > sl && host.regionMatches(true, len - sl, s, 0, sl)) {
                return true;
            }
        }
        return false;
    }

    List<String> patterns() {
        return patterns;
    }
}
