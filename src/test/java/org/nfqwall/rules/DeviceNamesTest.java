package org.nfqwall.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeviceNamesTest {
    @ParameterizedTest(name = "\"{0}\" valid {1}")
    @CsvSource({
        "wg0, true", "eth1, true", "br-lan.10, true", "fifteen-chars-x, true", "we$ird, true",
        "'', false", "sixteen-chars-xx, false", ".., false", "., false", "a/b, false", "a:b, false", "'a b', false",
        "é, false",
    })
    void acceptsWhatTheKernelAccepts(String name, boolean valid) {
        assertEquals(valid, DeviceNames.isValid(name));
    }
}
