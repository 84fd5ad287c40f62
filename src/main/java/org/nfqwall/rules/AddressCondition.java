package org.nfqwall.rules;

import java.util.List;

/**
 * A rule's {@code src:} or {@code dst:} condition: any of some 128-bit prefixes (groups already
 * expanded), held in a {@link PrefixTable}, so a check is one probe per distinct prefix length
 * (at most 129) however many prefixes the rule lists. Immutable.
 */
final class AddressCondition {
    private final PrefixTable table;
    private final List<AddressPrefix> prefixes;
    private final List<String> texts;

    AddressCondition(List<AddressPrefix> prefixes) {
        this.prefixes = List.copyOf(prefixes);
        table = new PrefixTable(prefixes.size());
        for (AddressPrefix p : prefixes) {
            table.add(p);
        }
        texts = prefixes.stream().map(AddressPrefix::text).distinct().toList();
    }

    /** True when the address lies in any prefix. Allocates nothing. */
    boolean contains(long addrHi, long addrLo) {
        return table.contains(addrHi, addrLo);
    }

    /** Canonical CIDR texts, in file order, duplicates removed. */
    List<String> texts() {
        return texts;
    }

    /** The prefixes as given, in file order. */
    List<AddressPrefix> prefixes() {
        return prefixes;
    }
}
