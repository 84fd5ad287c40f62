package org.nfqwall.rules;

import java.util.List;

/**
 * A rule's {@code src:} or {@code dst:} condition: any of some 128-bit prefixes (groups already
 * expanded). A linear scan for now; a prefix tree can replace it behind {@link RuleSet}. Immutable.
 */
final class AddressCondition {
    private final long[] hi;
    private final long[] lo;
    private final long[] maskHi;
    private final long[] maskLo;
    private final List<String> texts;

    AddressCondition(List<AddressPrefix> prefixes) {
        int n = prefixes.size();
        hi = new long[n];
        lo = new long[n];
        maskHi = new long[n];
        maskLo = new long[n];
        for (int i = 0; i < n; i++) {
            AddressPrefix p = prefixes.get(i);
            hi[i] = p.hi();
            lo[i] = p.lo();
            maskHi[i] = p.maskHi();
            maskLo[i] = p.maskLo();
        }
        texts = prefixes.stream().map(AddressPrefix::text).distinct().toList();
    }

    /** True when the address lies in any prefix. Allocates nothing. */
    boolean contains(long addrHi, long addrLo) {
        for (int i = 0; i < hi.length; i++) {
            if ((addrHi & maskHi[i]) == hi[i] && (addrLo & maskLo[i]) == lo[i]) {
                return true;
            }
        }
        return false;
    }

    /** Canonical CIDR texts, in file order, duplicates removed. */
    List<String> texts() {
        return texts;
    }
}
