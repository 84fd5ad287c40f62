package org.nfqwall.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShellTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "rules/steering.yaml|rules/steering.yaml",
        "wg0|wg0",
        "a_b-c.d+e=f@g%h,i:j|a_b-c.d+e=f@g%h,i:j",
        "my rules.yaml|'my rules.yaml'",
        "we$ird|'we$ird'",
        "it's|'it'\\''s'",
        "a;rm -rf|'a;rm -rf'",
        "\"\"|''",
    })
    void quotesOnlyWhatTheShellWouldRead(String word, String quoted) {
        assertEquals(quoted, Shell.quote(word));
    }
}
