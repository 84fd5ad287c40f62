package org.nfqwall.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code nfqwall u32 gre ...}: the formats, their options, and what is refused (exit 2). */
class U32GreCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void printsTheMatchesByDefault() {
        assertEquals(0, run("u32", "gre", "--key", "1"), err.toString());
        assertEquals("-p gre -m u32 --u32 \"0x4&0x1fff=0x0&&0x0>>0x16&0x3c@0x0>>0x10&0x6007=0x2000"
                + "&&0x0>>0x16&0x3c@0x0>>0x1d&0x4@0x4=0x1\"\n", out.toString());
    }

    @Test
    void explainAddsCommentLines() {
        assertEquals(0, run("u32", "gre", "--key", "1-9", "--explain"), err.toString());
        assertTrue(out.toString().startsWith("# rule 1 of 1: GRE key 0x1-0x9\n#   -p gre "), out.toString());
    }

    @Test
    void restoreFormatHasDefaultsAndNamesTheCommand() {
        assertEquals(0, run("u32", "gre", "--key", "7", "--format", "iptables-restore"), err.toString());
        assertTrue(out.toString().startsWith("# nfqwall u32 gre --key 7 --format iptables-restore\n"), out.toString());
        assertTrue(out.toString().contains("*filter\n-A FORWARD -p gre -m u32 --u32 \""), out.toString());
        assertTrue(out.toString().contains("\" -j ACCEPT\nCOMMIT\n"), out.toString());
    }

    @Test
    void restoreFormatTakesTableChainAndJump() {
        assertEquals(0, run("u32", "gre", "--key", "7", "--format", "iptables-restore", "--table", "raw", "--chain",
                "PREROUTING", "--jump", "DROP"), err.toString());
        assertTrue(out.toString().contains("*raw\n-A PREROUTING -p gre"), out.toString());
        assertTrue(out.toString().contains("\" -j DROP\n"), out.toString());
    }

    @Test
    void tcFormatTakesItsPlacement() {
        assertEquals(0, run("u32", "gre", "--key", "7", "--format", "tc", "--dev", "eth1", "--classid", "1:20",
                "--parent", "2:", "--prio", "30", "--tc-table", "0x100"), err.toString());
        assertTrue(out.toString().contains("tc filter add dev eth1 parent 2: protocol ip prio 30 handle 100: u32 divisor 1\n"),
                out.toString());
        assertTrue(out.toString().contains("match u32 0x7 0xffffffff at 0 classid 1:20\n"), out.toString());
    }

    @Test
    void removePrintsTheDeletingDocumentOrCommand() {
        assertEquals(0, run("u32", "gre", "--key", "7", "--format", "iptables-restore", "--remove"), err.toString());
        assertTrue(out.toString().contains("*filter\n-D FORWARD -p gre -m u32 --u32 \""), out.toString());
        assertEquals(0, run("u32", "gre", "--key", "7", "--format", "tc", "--dev", "eth1", "--classid", "1:20",
                "--remove"), err.toString());
        assertTrue(out.toString().endsWith("\ntc filter del dev eth1 parent 1: protocol ip prio 10\n"), out.toString());
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', value = {
        "u32                                      | missing command: gre",
        "u32,gre                                  | Missing required option: '--key=LIST'",
        "u32,gre,--key,5-3                        | --key: key list \"5-3\": item 1: range 5-3 runs backwards",
        "u32,gre,--key,x                          | --key: key list \"x\": item 1: \"x\" is not a key",
        "u32,gre,--key,4294967296                 | larger than 32 bits",
        "u32,gre,--key,1,--ipv6                   | --ipv6: not supported; u32 reads fixed IPv4 offsets",
        "u32,gre,--key,1,--format,nft             | 'nft' is not a format; expected iptables, iptables-restore or tc",
        "u32,gre,--key,1,--chain,INPUT            | --chain does not apply to --format iptables",
        "u32,gre,--key,1,--dev,eth0,--prio,3      | --dev, --prio do not apply to --format iptables",
        "u32,gre,--key,1,--format,iptables-restore,--classid,1:1 | --classid does not apply to --format iptables-restore",
        "u32,gre,--key,1,--format,tc,--jump,DROP,--dev,e,--classid,1:1 | --jump does not apply to --format tc",
        "u32,gre,--key,1,--format,tc,--classid,1:1 | --format tc needs --dev DEV",
        "u32,gre,--key,1,--format,tc,--dev,eth0   | --format tc needs --classid MAJOR:MINOR",
        "u32,gre,--key,1,--format,iptables-restore,--table,nat | --table \"nat\": expected filter, mangle or raw",
        "u32,gre,--key,1,--bogus                  | Unknown option: '--bogus'",
        "u32,gre,--key,1,--remove                 | --remove does not apply to --format iptables",
    })
    void refusedWithAUsageError(String args, String message) {
        assertEquals(2, run(args.split(",")), err.toString());
        assertTrue(err.toString().contains(message), err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void theTopLevelMissingCommandMessageNamesU32() {
        assertEquals(2, run());
        assertTrue(err.toString().contains("blocks or u32"), err.toString());
    }
}
