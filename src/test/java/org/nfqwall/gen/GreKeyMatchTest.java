package org.nfqwall.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The text {@link GreKeyMatch}, {@link U32Explain} and {@link GreKeyIptables} generate. */
class GreKeyMatchTest {
    /** Everything before the key test, the same in every rule. */
    private static final String HEAD = "0x4&0x1fff=0x0&&0x0>>0x16&0x3c@0x0>>0x10&0x6007=0x2000"
            + "&&0x0>>0x16&0x3c@0x0>>0x1d&0x4@";

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "1                  | 0x4=0x1",
        "1,2,3              | 0x4=0x1,0x2,0x3",
        "100-200            | 0x4=0x64:0xc8",
        "1.2.3.4            | 0x4=0x1020304",
        "0x1200/0xff00      | 0x4&0xff00=0x1200",
        "0-4294967295       | 0x4=0x0:0xffffffff",
        "5,0x10/0xf0,6-7    | 0x4=0x5,0x6:0x7 ; 0x4&0xf0=0x10",
    })
    void eachFormBecomesTheKeyTest(String keys, String keyTests) {
        List<String> expected = List.of(keyTests.split(" ; ")).stream().map(k -> HEAD + k).toList();
        assertEquals(expected, GreKeyMatch.rules(GreKeySpec.parse(keys)).stream().map(GreKeyMatch.Rule::expression)
                .toList());
    }

    @Test
    void matchesAreOneLinePerRuleReadyToPasteAfterIptablesA() {
        assertEquals("-p gre -m u32 --u32 \"" + HEAD + "0x4=0x1\"\n-p gre -m u32 --u32 \"" + HEAD
                + "0x4&0xff=0x0\"\n", GreKeyIptables.matches(GreKeySpec.parse("1,0/0xff"), false));
    }

    @Test
    void explainCommentsEveryClauseAndTheClausesMakeTheExpression() {
        String text = GreKeyIptables.matches(GreKeySpec.parse("1,100-200"), true);
        String[] lines = text.split("\n");
        assertEquals(9, lines.length, text);
        assertEquals("# rule 1 of 1: GRE key 0x1, 0x64-0xc8", lines[0]);
        assertTrue(lines[1].startsWith("#   -p gre                   IP protocol 47"), lines[1]);
        assertEquals("#   0x4&0x1fff=0x0           fragment offset 0: whole packets and first fragments (later"
                + " fragments hold no GRE header)", lines[2]);
        assertTrue(lines[5].contains("&&0x0>>0x16&0x3c@"), lines[5]);
        assertTrue(lines[6].contains("0x0>>0x1d&0x4@           skip the checksum word when C is set"), lines[6]);
        assertTrue(lines[7].startsWith("#   0x4=0x1,0x64:0xc8        the key, after the 4-byte base header: one of 0x1, 0x64-0xc8"),
                lines[7]);
        StringBuilder joined = new StringBuilder();
        for (int i = 2; i <= 7; i++) {
            joined.append(lines[i].substring(4).split(" +")[0]);
        }
        assertEquals("-p gre -m u32 --u32 \"" + joined + "\"", lines[8]);
    }

    @Test
    void explainNamesTheMaskOfAMaskedRule() {
        String text = GreKeyIptables.matches(GreKeySpec.parse("0x1200/0xff00"), true);
        assertTrue(text.contains("#   0x4&0xff00=0x1200        the key, after the 4-byte base header, masked with 0xff00: 0x1200"), text);
    }

    @Test
    void restoreDocumentAppendsEachRuleWithTheTarget() {
        String doc = GreKeyIptables.restoreDocument(GreKeySpec.parse("1,0/0xff"),
                new GreKeyIptables.Placement("raw", "PREROUTING", "DROP"), false, "nfqwall u32 gre --key 1,0/0xff");
        assertEquals("# nfqwall u32 gre --key 1,0/0xff\n"
                + "# GRE over IPv4 with these keys; apply: ... | iptables-legacy-restore --noflush\n"
                + "# remove: the same options plus --remove, piped the same way\n"
                + "*raw\n"
                + "-A PREROUTING -p gre -m u32 --u32 \"" + HEAD + "0x4=0x1\" -j DROP\n"
                + "-A PREROUTING -p gre -m u32 --u32 \"" + HEAD + "0x4&0xff=0x0\" -j DROP\n"
                + "COMMIT\n", doc);
    }

    @Test
    void removeDocumentDeletesTheSameRules() {
        GreKeyIptables.Placement p = new GreKeyIptables.Placement("raw", "PREROUTING", "DROP");
        GreKeySpec spec = GreKeySpec.parse("1,0/0xff");
        String apply = GreKeyIptables.restoreDocument(spec, p, true, "x");
        String remove = GreKeyIptables.removeDocument(spec, p, "x --remove");
        assertEquals(apply.lines().filter(l -> l.startsWith("-A ")).map(l -> "-D " + l.substring(3)).toList(),
                remove.lines().filter(l -> l.startsWith("-")).toList());
        assertTrue(remove.startsWith("# x --remove\n# removes those rules: ... | iptables-legacy-restore --noflush\n*raw\n"),
                remove);
        assertTrue(remove.endsWith("\nCOMMIT\n"), remove);
    }

    @Test
    void restoreDocumentWithExplainKeepsCommentsInsideTheTable() {
        String doc = GreKeyIptables.restoreDocument(GreKeySpec.parse("7"),
                new GreKeyIptables.Placement("filter", "FORWARD", "ACCEPT"), true, "nfqwall u32 gre --key 7");
        assertTrue(doc.contains("*filter\n# rule 1 of 1: GRE key 0x7\n"), doc);
        assertTrue(doc.endsWith("-A FORWARD -p gre -m u32 --u32 \"" + HEAD + "0x4=0x7\" -j ACCEPT\nCOMMIT\n"), doc);
    }

    @ParameterizedTest(name = "[{index}] {0} {1} {2}")
    @CsvSource(delimiter = '|', value = {
        "nat    | FORWARD | ACCEPT | --table \"nat\": expected filter, mangle or raw",
        "filter | ''      | ACCEPT | --chain \"\": expected a chain name",
        "filter | A B     | ACCEPT | --chain \"A B\": expected a chain name",
        "filter | -A      | ACCEPT | --chain \"-A\"",
        "filter | FORWARD | MARK --set-mark 1 | --jump \"MARK --set-mark 1\": expected one target",
        "filter | FORWARD | ABCDEFGHIJKLMNOPQRSTUVWXYZabc | --jump \"ABCDEFGHIJKLMNOPQRSTUVWXYZabc\"",
    })
    void placementRefusesWhatIptablesWouldNotTake(String table, String chain, String jump, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GreKeyIptables.Placement(table, chain, jump));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }
}
