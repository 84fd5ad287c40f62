package org.nfqwall.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionEntriesTest {
    @Test
    void keepsEachEntryOnceInFirstSeenOrderAcrossTableGrowth() throws BadValueException {
        ConditionEntries<String> hosts = ConditionEntries.hosts();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            hosts.add("H" + i + ".Example.");
            expected.add("h" + i + ".example");
        }
        for (int i = 4999; i >= 0; i--) {
            hosts.add("h" + i + ".example");
            hosts.addNormalised("h" + i + ".example");
        }
        assertEquals(expected, hosts.values());
    }

    @Test
    void comparesPrefixesByValueAndGlobsByText() throws BadValueException {
        ConditionEntries<AddressPrefix> prefixes = ConditionEntries.prefixes();
        prefixes.add("10.0.0.0/8");
        prefixes.add("fd00:0::/16");
        prefixes.add("10.0.0.0/8");
        prefixes.add("fd00::/16");
        assertEquals(List.of("10.0.0.0/8", "fd00::/16"), prefixes.values().stream().map(AddressPrefix::text).toList());
        ConditionEntries<PathGlob> paths = ConditionEntries.paths();
        paths.add("/a/*");
        paths.add("/a/*");
        paths.add("/b");
        assertEquals(List.of("/a/*", "/b"), paths.values().stream().map(PathGlob::text).toList());
    }

    @Test
    void refusesWhatTheInlineSyntaxRefuses() {
        assertThrows(BadValueException.class, () -> ConditionEntries.hosts().add("a..b"));
        assertThrows(BadValueException.class, () -> ConditionEntries.paths().add("no-slash"));
        assertThrows(BadValueException.class, () -> ConditionEntries.prefixes().add("10.1.2.3/8"));
    }
}
