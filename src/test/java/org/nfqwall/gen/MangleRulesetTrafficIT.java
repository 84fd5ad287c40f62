package org.nfqwall.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nfqwall.lab.ExecResult;
import org.nfqwall.lab.Lab;
import org.nfqwall.lab.Node;
import org.nfqwall.rules.MarkBits;
import org.nfqwall.rules.RuleLoadResult;
import org.nfqwall.rules.RulesLoader;

/**
 * Real traffic through the mangle-placed ruleset (--chain PREROUTING) in the lab's firewall, with
 * no daemon (the queue nobody reads passes packets, --queue-bypass): a connection to an address
 * in a steering set is marked at its SYN, before the routing decision (an ip rule on the mark
 * sends it to a table that refuses it), and every packet of it, both ways, carries the mark; a
 * reject handed back in mangle is carried out by the filter part with a TCP reset.
 */
class MangleRulesetTrafficIT {
    private static final Duration T = Duration.ofSeconds(30);
    private static final int UNREAD_QUEUE = 4243;
    private static final int HTTP_PORT = 80;
    private static final int STEER = 0x10;
    private static final String RULES = """
            mark_mask: 0xff
            marks:
              vpn: {value: 0x10, table: 100, via: 10.99.2.2}
            """;

    private static Lab lab;

    @BeforeAll
    static void buildLab() {
        lab = Lab.create();
        lab.startRecordingServer(HTTP_PORT);
    }

    @AfterAll
    static void removeLab() {
        if (lab != null) {
            lab.close();
        }
    }

    private static IptablesOptions options() {
        RuleLoadResult r = RulesLoader.parse("rules.yaml", RULES);
        assertTrue(r.ok(), r.errors().toString());
        return new IptablesOptions(UNREAD_QUEUE, "FORWARD", List.of(PortRange.of(HTTP_PORT)), List.of(), false, false,
                0xff, false, false).withPlacement("mangle", "PREROUTING").withRestoreMark(true)
                .withSteering(SteeringMarks.of("rules.yaml", r.ruleSet()));
    }

    @Test
    void aConnectionToASteeredAddressIsMarkedAtItsSynBeforeRouting() {
        IptablesOptions o = options();
        String set = SteeringSets.name(STEER, false);
        lab.execOk(Node.FW, T, "ipset", "create", set, "hash:ip", "timeout", "600", "-exist");
        String[] markedOut = {"-t", "mangle", "-A", "POSTROUTING", "-p", "tcp", "--dport", "80", "-m", "mark", "--mark",
            "0x10/0xff"};
        String[] markedBack = {"-t", "mangle", "-A", "POSTROUTING", "-p", "tcp", "--sport", "80", "-m", "mark", "--mark",
            "0x10/0xff"};
        withRuleset(o, () -> {
            lab.execOk(Node.FW, T, concat("iptables-legacy", markedOut));
            lab.execOk(Node.FW, T, concat("iptables-legacy", markedBack));
            // Not in the set: unmarked.
            assertEquals("ok GET /plain", curl("/plain").strip());
            assertEquals(0, lab.iptablesPackets(Node.FW, "mangle", "POSTROUTING", "--dport 80"));
            String steering = "--match-set " + set + " dst";
            assertEquals(0, lab.iptablesPackets(Node.FW, "mangle", IptablesRuleset.CHAIN, steering));

            // In the set: the SYN is marked, and so is every packet of the connection, both ways.
            lab.execOk(Node.FW, T, "ipset", "add", set, Lab.SERVER_V4);
            assertEquals("ok GET /steered", curl("/steered").strip());
            assertEquals(1, lab.iptablesPackets(Node.FW, "mangle", IptablesRuleset.CHAIN, steering), "only the SYN");
            long out = lab.iptablesPackets(Node.FW, "mangle", "POSTROUTING", "--dport 80");
            long back = lab.iptablesPackets(Node.FW, "mangle", "POSTROUTING", "--sport 80");
            assertTrue(out >= 4 && back >= 3, "marked both ways: out " + out + ", back " + back);

            // The mark exists before the routing decision: a rule on it sends the SYN to a refusing table.
            lab.execOk(Node.FW, T, "ip", "route", "add", "prohibit", Lab.SERVER_V4 + "/32", "table", "100");
            lab.execOk(Node.FW, T, "ip", "rule", "add", "fwmark", "0x10/0xff", "lookup", "100", "priority", "1000");
            try {
                ExecResult refused = lab.exec(Node.CLIENT, T, "curl", "-sS", "--max-time", "10", url("/routed"));
                assertNotEquals(0, refused.exitCode(), refused.stdout());
                assertTrue(refused.stderr().contains("No route to host") || refused.stderr().contains("Couldn't connect"),
                        refused.stderr());
            } finally {
                lab.execOk(Node.FW, T, "ip", "rule", "del", "fwmark", "0x10/0xff", "lookup", "100", "priority", "1000");
                lab.execOk(Node.FW, T, "ip", "route", "del", "prohibit", Lab.SERVER_V4 + "/32", "table", "100");
            }
            lab.execOk(Node.FW, T, "ipset", "del", set, Lab.SERVER_V4);
            assertEquals("ok GET /again", curl("/again").strip());
        }, () -> {
            markedOut[2] = "-D";
            markedBack[2] = "-D";
            lab.exec(Node.FW, T, concat("iptables-legacy", markedOut));
            lab.exec(Node.FW, T, concat("iptables-legacy", markedBack));
        });
    }

    @Test
    void aRejectHandedBackInMangleIsResetByTheFilterPart() {
        IptablesOptions o = options();
        lab.execOk(Node.FW, T, "ipset", "create", SteeringSets.name(STEER, false), "hash:ip", "timeout", "600", "-exist");
        // The daemon's stand-in: the raw table runs before mangle, so the SYN arrives handed back with REJECT.
        String reject = IptablesOptions.hex(MarkBits.VERDICT | MarkBits.REJECT) + "/0xffffffff";
        String[] standIn = {"iptables-legacy", "-t", "raw", "-A", "PREROUTING", "-p", "tcp", "--dport", "80", "--syn",
            "-j", "MARK", "--set-xmark", reject};
        withRuleset(o, () -> {
            lab.execOk(Node.FW, T, standIn);
            ExecResult refused = lab.exec(Node.CLIENT, T, "curl", "-sS", "--max-time", "10", url("/rejected"));
            assertEquals(7, refused.exitCode(), "curl: connection refused by the reset: " + refused.stderr());
            assertEquals(1, lab.iptablesPackets(Node.FW, "filter", RejectEnforcement.CHAIN, "-p tcp -j REJECT"));
            assertEquals(1, lab.iptablesPackets(Node.FW, "mangle", IptablesRuleset.VERDICT_CHAIN,
                    "--mark 0x40000000/0x40000000 -j ACCEPT"), "mangle accepts; filter resets");
        }, () -> {
            standIn[3] = "-D";
            lab.exec(Node.FW, T, standIn);
        });
    }

    private static String[] concat(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    /** Applies the ruleset in the firewall, runs the body, then the cleanup and the removal, also on failure. */
    private static void withRuleset(IptablesOptions o, Runnable body, Runnable cleanup) {
        restore(IptablesRuleset.apply(o));
        try {
            body.run();
        } finally {
            cleanup.run();
            restore(IptablesRuleset.remove(o));
        }
    }

    private static void restore(String document) {
        try {
            Path file = Files.createTempFile(lab.workDir(), "ruleset-", ".txt");
            Files.writeString(file, document);
            lab.execOk(Node.FW, T, "sh", "-c", "iptables-legacy-restore --noflush < " + file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String url(String path) {
        return "http://" + Lab.SERVER_V4 + ":" + HTTP_PORT + path;
    }

    private static String curl(String path) {
        return lab.execOk(Node.CLIENT, T, "curl", "-sS", "--max-time", "20", url(path)).stdout();
    }
}
