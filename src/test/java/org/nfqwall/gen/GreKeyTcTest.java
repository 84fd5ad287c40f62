package org.nfqwall.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code tc filter} commands {@link GreKeyTc} generates. */
class GreKeyTcTest {
    private static final GreKeyTc.Placement P = new GreKeyTc.Placement("eth0", "1:", 10, "1:10", 0x1e0);
    private static final String F = "tc filter add dev eth0 parent 1: protocol ip prio 10 ";

    @Test
    void tablesThenKeysThenTheLinksIntoThem() {
        assertEquals("# nfqwall u32 gre --key 1,6-7,0x1200/0xff00 --format tc\n"
                + "# GRE over IPv4 with these keys, into class 1:10; remove: the same options plus --remove"
                + " (tc filter del dev eth0 parent 1: protocol ip prio 10)\n"
                + F + "handle 1e0: u32 divisor 1\n"
                + F + "handle 1e1: u32 divisor 1\n"
                + F + "u32 ht 1e1: match u32 0x1 0xffffffff at 0 classid 1:10\n"
                + F + "u32 ht 1e1: match u32 0x6 0xfffffffe at 0 classid 1:10\n"
                + F + "u32 ht 1e1: match u32 0x1200 0xff00 at 0 classid 1:10\n"
                + F + "u32 ht 1e0: match u32 0x20000000 0x60070000 at 0 offset plus 4 at 0 mask 8000 shift 13 eat"
                + " link 1e1:\n"
                + F + "u32 match ip protocol 47 0xff match u16 0 0x1fff at 6 offset at 0 mask 0f00 shift 6 eat"
                + " link 1e0:\n",
                GreKeyTc.commands(GreKeySpec.parse("1,6-7,0x1200/0xff00"), P, false,
                        "nfqwall u32 gre --key 1,6-7,0x1200/0xff00 --format tc"));
    }

    @Test
    void removalDeletesTheWholePriority() {
        assertEquals("# x --remove\ntc filter del dev eth0 parent 1: protocol ip prio 10\n", GreKeyTc.removeCommand(P,
                "x --remove"));
    }

    @Test
    void aRangeBecomesOneFilterPerBlock() {
        String text = GreKeyTc.commands(GreKeySpec.parse("100-200"), P, false, "x");
        assertEquals(6, text.lines().filter(l -> l.contains("ht 1e1: match")).count(), text);
        assertTrue(text.contains(F + "u32 ht 1e1: match u32 0x80 0xffffffc0 at 0 classid 1:10\n"), text);
    }

    @Test
    void explainPutsACommentBeforeEachCommand() {
        String text = GreKeyTc.commands(GreKeySpec.parse("1-2"), P, true, "x");
        assertTrue(text.contains("# key 0x1-0x2, block 0x1/0xffffffff: into 1:10\n" + F), text);
        assertTrue(text.contains("# GRE flags: K set, R clear, version 0; then skip 4 bytes, 8 when C is set, to the key\n"
                + F + "u32 ht 1e0:"), text);
        long commands = text.lines().filter(l -> l.startsWith("tc ")).count();
        long comments = text.lines().filter(l -> l.startsWith("# ")).count();
        assertEquals(commands + 2, comments, text);
    }

    @Test
    void otherPlacementsNameTheirDeviceParentPrioAndTables() {
        String text = GreKeyTc.commands(GreKeySpec.parse("1"), new GreKeyTc.Placement("veth-a", "ffff:", 77, "ab:1f",
                0x7fe), false, "x");
        assertTrue(text.contains("tc filter add dev veth-a parent ffff: protocol ip prio 77 handle 7fe: u32 divisor 1\n"),
                text);
        assertTrue(text.contains("handle 7ff: u32 divisor 1\n"), text);
        assertTrue(text.contains("classid ab:1f\n"), text);
    }

    @ParameterizedTest(name = "[{index}] {5}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "NULL    | 1: | 10    | 1:10 | 480  | --format tc needs --dev DEV",
        "eth0 x  | 1: | 10    | 1:10 | 480  | --dev \"eth0 x\": expected an interface name",
        "eth0    | 1  | 10    | 1:10 | 480  | --parent \"1\": expected a qdisc handle",
        "eth0    | 1: | 0     | 1:10 | 480  | --prio 0: expected 1-65535",
        "eth0    | 1: | 65536 | 1:10 | 480  | --prio 65536: expected 1-65535",
        "eth0    | 1: | 10    | NULL | 480  | --format tc needs --classid MAJOR:MINOR",
        "eth0    | 1: | 10    | 1:   | 480  | --classid \"1:\": expected MAJOR:MINOR",
        "eth0    | 1: | 10    | 1:10 | 0    | --tc-table 0x0: expected 0x1-0x7fe",
        "eth0    | 1: | 10    | 1:10 | 2047 | --tc-table 0x7ff: expected 0x1-0x7fe",
    })
    void placementRefusesWhatTcWouldNotTake(String dev, String parent, int prio, String classid, int table,
                                            String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GreKeyTc.Placement(dev, parent, prio, classid, table));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }
}
