package org.nfqwall.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Collects the entries of one condition (a rule's hosts or paths, a group's prefixes) from inline
 * values and list files alike: each entry is checked and normalised by the same parser the inline
 * syntax uses, and kept once, in the order first seen. The condition is then built from
 * {@link #values()}.
 *
 * <p>Lean on purpose, since a list file may hold a million entries: nothing is kept but the
 * normalised values and one {@code long} table that finds duplicates (open addressing over indexes
 * into the values: no node object per entry, which would double the objects the collector has to
 * copy while a big list loads). One instance per condition per load; not thread-safe.
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
    private final List<T> values = new ArrayList<>();
    /**
     * Open-addressing table, at most half full: 0 is free, otherwise the key's hash in the high
     * half and 1 + an index into {@link #values} in the low half (so most probes that miss need
     * not touch the stored value).
     */
    private long[] slots = new long[16];

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
        Object key = identity.apply(value);
        int hash = spread(key.hashCode());
        int mask = slots.length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            long slot = slots[i];
            if (slot == 0) {
                values.add(value);
                slots[i] = (long) hash << 32 | values.size();
                if (values.size() * 2 > slots.length) {
                    grow();
                }
                return;
            }
            if ((int) (slot >>> 32) == hash && identity.apply(values.get((int) slot - 1)).equals(key)) {
                return;
            }
        }
    }

    private void grow() {
        long[] bigger = new long[slots.length * 2];
        int mask = bigger.length - 1;
        for (long slot : slots) {
            if (slot != 0) {
                int i = (int) (slot >>> 32) & mask;
                while (bigger[i] != 0) {
                    i = (i + 1) & mask;
                }
                bigger[i] = slot;
            }
        }
        slots = bigger;
    }

    /** Mixes the high bits in, since the table index takes only the low ones. */
    private static int spread(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /** The distinct entries, in the order first seen; the list is this builder's own. */
    List<T> values() {
        return values;
    }
}
