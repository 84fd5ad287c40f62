package org.nfqwall.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class MainTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void checkAcceptsTheExampleWithASummary() {
        assertEquals(0, run("check", "rules/example.yaml"));
        assertEquals("rules/example.yaml: ok, 10 rules, 2 groups, 1 mark, 10 list entries from 2 files"
                + " (3 AdBlock lines skipped), default accept\n", out.toString());
    }

    @Test
    void checkPrintsEveryErrorWithItsPositionAndExitsOne() {
        assertEquals(1, run("check", "rules/test/bad-values.yaml"));
        String[] lines = err.toString().split("\n");
        assertTrue(lines.length >= 3, err.toString());
        for (int i = 0; i < lines.length - 1; i++) {
            assertTrue(lines[i].matches("rules/test/bad-values\\.yaml:\\d+:\\d+: .+"), lines[i]);
        }
        assertTrue(lines[lines.length - 1].endsWith("error(s)"), err.toString());
    }

    @Test
    void checkOfAMissingFileSaysSo() {
        assertEquals(1, run("check", "rules/no-such-file.yaml"));
        assertTrue(err.toString().startsWith("rules/no-such-file.yaml: "), err.toString());
    }

    @Test
    void unknownOptionGivesUsageAndExitTwo() {
        assertEquals(2, run("check", "--frobnicate", "rules/example.yaml"));
        assertTrue(err.toString().contains("Unknown option: '--frobnicate'"), err.toString());
        assertTrue(err.toString().contains("Usage: nfqwall check"), err.toString());
    }

    @Test
    void unknownCommandGivesExitTwo() {
        assertEquals(2, run("frobnicate"));
    }

    @Test
    void noCommandGivesExitTwo() {
        assertEquals(2, run());
    }

    @Test
    void iptablesPrintsARestoreDocument() {
        assertEquals(0, run("iptables", "--queue", "10", "--chain", "FORWARD", "--ports", "80,8080"));
        String doc = out.toString();
        assertTrue(doc.contains("-A NFQWALL -j NFQUEUE --queue-num 10 --queue-bypass"), doc);
        assertTrue(doc.contains("--dports 80,8080"), doc);
        assertTrue(doc.trim().endsWith("COMMIT"), doc);
    }

    @Test
    void iptablesRefusesBadPortsAsUsage() {
        assertEquals(2, run("iptables", "--queue", "10", "--ports", "80,notaport"));
        assertTrue(err.toString().contains("--ports: port list \"80,notaport\": item 2 \"notaport\""), err.toString());
    }

    @Test
    void iptablesQueuesUdpPortsAndAcceptsDataLessAcksByDefault() {
        assertEquals(0, run("iptables", "--queue", "10", "--ports", "80", "--udp-ports", "443,8443"));
        String doc = out.toString();
        assertTrue(doc.contains("-A FORWARD -p udp -m multiport --dports 443,8443 -j NFQWALL"), doc);
        assertTrue(doc.contains("--tcp-flags FIN,SYN,RST,ACK ACK -m u32"), doc);
        assertTrue(doc.contains("--udp-ports 443,8443 --mark-mask 0xfffffff --remove |"), doc);
    }

    @Test
    void iptablesQueueAcksLeavesOutTheAckRule() {
        assertEquals(0, run("iptables", "--queue", "10", "--queue-acks"));
        String doc = out.toString();
        assertTrue(!doc.contains("-m u32"), doc);
        assertTrue(doc.contains("--mark-mask 0xfffffff --queue-acks --remove |"), doc);
    }

    @Test
    void iptablesRemoveTakesOutTheUdpHookToo() {
        assertEquals(0, run("iptables", "--queue", "10", "--udp-ports", "443", "--remove"));
        assertTrue(out.toString().contains("-D FORWARD -p udp -m multiport --dports 443 -j NFQWALL"), out.toString());
    }

    @Test
    void iptablesRefusesBadUdpPortsNamingTheOption() {
        assertEquals(2, run("iptables", "--queue", "10", "--udp-ports", "443,400-500"));
        assertTrue(err.toString().contains("--udp-ports: port list \"443,400-500\": item 2 (400-500) overlaps item 1"
                + " (443); list each port once"), err.toString());
    }

    @Test
    void iptablesRefusesAnEmptyUdpPortList() {
        assertEquals(2, run("iptables", "--queue", "10", "--udp-ports", ""));
        assertTrue(err.toString().contains("--udp-ports: port list is empty"), err.toString());
    }

    @Test
    void iptablesRefusesABadMarkMask() {
        assertEquals(2, run("iptables", "--queue", "1", "--mark-mask", "zz"));
    }

    @Test
    void runWithBrokenRulesRefusesToStartBeforeTouchingTheQueue() {
        assertEquals(1, run("run", "--rules", "rules/test/bad-values.yaml", "--queue", "1"));
    }

    @Test
    void runWithoutRulesIsAUsageError() {
        assertEquals(2, run("run", "--queue", "1"));
        assertTrue(err.toString().contains("Missing required option: '--rules=FILE'"), err.toString());
    }

    @Test
    void versionIsPrinted() {
        assertEquals(0, run("--version"));
        assertTrue(out.toString().startsWith("nfqwall "), out.toString());
    }
}
