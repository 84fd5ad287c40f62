package org.nfqwall.gen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The GRE keys one {@code --key} option names: a comma-separated list of {@link GreKey} items,
 * in the order given, each key at most once. Immutable.
 */
public record GreKeySpec(List<GreKey> items) {
    /**
     * The most values one u32 test may list, and so the most items one rule holds:
     * {@code XT_U32_MAXSIZE}, {@value} (linux/netfilter/xt_u32.h; iptables refuses an 11th).
     */
    public static final int U32_MAX_VALUES = 10;

    /** Copies the list; it must not be empty. */
    public GreKeySpec {
        items = List.copyOf(items);
        if (items.isEmpty()) {
            throw new IllegalArgumentException("key list is empty; " + GreKey.EXPECTED);
        }
    }

    /**
     * Parses {@code 1,100-200,0x1200/0xff00}; spaces around items are allowed. Rejects empty
     * items, non-numbers, keys beyond 32 bits, backwards ranges, masks that exclude bits of
     * their key, and items that overlap an earlier one, each with the item's position and what
     * is expected.
     */
    public static GreKeySpec parse(String text) {
        Objects.requireNonNull(text, "key list");
        if (text.isBlank()) {
            throw new IllegalArgumentException("key list is empty; " + GreKey.EXPECTED);
        }
        String[] parts = text.split(",", -1);
        List<GreKey> keys = new ArrayList<>(parts.length);
        for (int i = 0; i < parts.length; i++) {
            String item = parts[i].strip();
            String where = "key list \"" + text + "\": item " + (i + 1);
            if (item.isEmpty()) {
                throw new IllegalArgumentException(where + " is empty; " + GreKey.EXPECTED);
            }
            GreKey key;
            try {
                key = GreKey.parse(item);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
            for (int j = 0; j < keys.size(); j++) {
                if (keys.get(j).overlaps(key)) {
                    throw new IllegalArgumentException(where + " (" + item + ") overlaps item " + (j + 1)
                            + " (" + parts[j].strip() + "); list each key once");
                }
            }
            keys.add(key);
        }
        return new GreKeySpec(keys);
    }

    /**
     * The items in groups that one u32 test can hold: same mask (plain keys and ranges share
     * the full mask), at most {@value #U32_MAX_VALUES} each; groups in the order their first
     * item was given.
     */
    List<List<GreKey>> u32Groups() {
        Map<Long, List<GreKey>> byMask = new LinkedHashMap<>();
        for (GreKey key : items) {
            byMask.computeIfAbsent(key.mask(), m -> new ArrayList<>()).add(key);
        }
        List<List<GreKey>> groups = new ArrayList<>();
        for (List<GreKey> sameMask : byMask.values()) {
            for (int i = 0; i < sameMask.size(); i += U32_MAX_VALUES) {
                groups.add(List.copyOf(sameMask.subList(i, Math.min(sameMask.size(), i + U32_MAX_VALUES))));
            }
        }
        return groups;
    }
}
