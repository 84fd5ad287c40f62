package org.nfqwall.rules;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Collects the entries of one condition (a rule's hosts or paths, a group's prefixes) from inline
 * values and list files alike: each entry is checked and normalised by the same parser the inline
 * syntax uses, and kept once, in the order first seen. The condition is then built from
 * {@link #values()}.
 *
 * <p>Lean on purpose, since a list file may hold a million entries: no copy of the text is kept
 * besides the normalised value. One instance per condition per load; not thread-safe.
 *
 * @param <T> the normalised form of one entry
 */
final class ConditionEntries<T> {
    /** Parses one entry written in the inline syntax. */
    interface Parser<T> {
        T parse(String text) throws BadValueException;
    }

    private final Parser<T> parser;
    private final Function<T, Object> identity;
    private final Set<Object> seen = new HashSet<>();
    private final List<T> values = new ArrayList<>();

    private ConditionEntries(Parser<T> parser, Function<T, Object> identity) {
        this.parser = parser;
        this.identity = identity;
    }

    /** Host patterns in {@code host:} syntax, kept in their canonical text. */
    static ConditionEntries<String> hosts() {
        return new ConditionEntries<>(HostCondition::normalisePattern, p -> p);
    }

    /** Path globs in {@code path:} syntax; the same glob text is kept once. */
    static ConditionEntries<PathGlob> paths() {
        return new ConditionEntries<>(PathGlob::compile, PathGlob::text);
    }

    /** Addresses and CIDRs in {@code src:} syntax (no group names); the same prefix is kept once. */
    static ConditionEntries<AddressPrefix> prefixes() {
        return new ConditionEntries<>(AddressPrefix::parse, p -> p);
    }

    /**
     * Checks, normalises and keeps one entry (once).
     *
     * @throws BadValueException saying what is wrong with it and what is expected
     */
    void add(String text) throws BadValueException {
        addNormalised(parser.parse(text));
    }

    /** Keeps one entry already in normalised form (once). */
    void addNormalised(T value) {
        if (seen.add(identity.apply(value))) {
            values.add(value);
        }
    }

    /** The distinct entries, in the order first seen; the list is this builder's own. */
    List<T> values() {
        return values;
    }
}
