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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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
 * sends it to a table that refuses it), and every packet of it, both ways, carries the mark (IPv4
 * and IPv6); in mangle OUTPUT the host's own connection is marked and re-routed at its SYN; a
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

    private static IptablesOptions options(boolean ipv6) {
        RuleLoadResult r = RulesLoader.parse("rules.yaml", RULES);
        assertTrue(r.ok(), r.errors().toString());
        return new IptablesOptions(UNREAD_QUEUE, "FORWARD", List.of(PortRange.of(HTTP_PORT)), List.of(), ipv6, false,
                0xff, false, false).withPlacement("mangle", "PREROUTING").withRestoreMark(true)
                .withSteering(SteeringMarks.of("rules.yaml", r.ruleSet()));
    }

    @ParameterizedTest(name = "ipv6 {0}")
    @CsvSource({"false", "true"})
    void aConnectionToASteeredAddressIsMarkedAtItsSynBeforeRouting(boolean ipv6) {
        IptablesOptions o = options(ipv6);
        String set = SteeringSets.name(STEER, ipv6);
        String iptables = ipv6 ? "ip6tables-legacy" : "iptables-legacy";
        String ip = ipv6 ? "-6" : "-4";
        String server = ipv6 ? Lab.SERVER_V6 : Lab.SERVER_V4;
        String host = server + (ipv6 ? "/128" : "/32");
        lab.execOk(Node.FW, T, "ipset", "create", set, "hash:ip", "family", ipv6 ? "inet6" : "inet", "timeout", "600",
                "-exist");
        String[] markedOut = {iptables, "-t", "mangle", "-A", "POSTROUTING", "-p", "tcp", "--dport", "80", "-m", "mark",
            "--mark", "0x10/0xff"};
        String[] markedBack = {iptables, "-t", "mangle", "-A", "POSTROUTING", "-p", "tcp", "--sport", "80", "-m", "mark",
            "--mark", "0x10/0xff"};
        withRuleset(o, () -> {
            lab.execOk(Node.FW, T, markedOut);
            lab.execOk(Node.FW, T, markedBack);
            // Not in the set: unmarked.
            assertEquals("ok GET /plain", curl(ipv6, "/plain").strip());
            assertEquals(0, packets(ipv6, "mangle", "POSTROUTING", "--dport 80"));
            String steering = "--match-set " + set + " dst";
            assertEquals(0, packets(ipv6, "mangle", IptablesRuleset.CHAIN, steering));

            // In the set: the SYN is marked, and so is every packet of the connection, both ways.
            lab.execOk(Node.FW, T, "ipset", "add", set, server);
            assertEquals("ok GET /steered", curl(ipv6, "/steered").strip());
            assertEquals(1, packets(ipv6, "mangle", IptablesRuleset.CHAIN, steering), "only the SYN");
            long out = packets(ipv6, "mangle", "POSTROUTING", "--dport 80");
            long back = packets(ipv6, "mangle", "POSTROUTING", "--sport 80");
            assertTrue(out >= 4 && back >= 3, "marked both ways: out " + out + ", back " + back);

            // The mark exists before the routing decision: a rule on it sends the SYN to a refusing table.
            lab.execOk(Node.FW, T, "ip", ip, "route", "add", "prohibit", host, "table", "100");
            lab.execOk(Node.FW, T, "ip", ip, "rule", "add", "fwmark", "0x10/0xff", "lookup", "100", "priority", "1000");
            try {
                ExecResult refused = lab.exec(Node.CLIENT, T, "curl", "-sS", "--max-time", "10", url(ipv6, "/routed"));
                assertNotEquals(0, refused.exitCode(), refused.stdout());
                assertTrue(refused.stderr().contains("No route to host") || refused.stderr().contains("Couldn't connect"),
                        refused.stderr());
            } finally {
                lab.execOk(Node.FW, T, "ip", ip, "rule", "del", "fwmark", "0x10/0xff", "lookup", "100", "priority", "1000");
                lab.execOk(Node.FW, T, "ip", ip, "route", "del", "prohibit", host, "table", "100");
            }
            lab.execOk(Node.FW, T, "ipset", "del", set, server);
            assertEquals("ok GET /again", curl(ipv6, "/again").strip());
        }, () -> {
            markedOut[3] = "-D";
            markedBack[3] = "-D";
            lab.exec(Node.FW, T, markedOut);
            lab.exec(Node.FW, T, markedBack);
        });
    }

    @Test
    void mangleOutputMarksAndReroutesTheHostsOwnConnectionAtItsSyn() {
        // The client node is the host: its own curl is steered by the ruleset in its mangle OUTPUT.
        IptablesOptions o = options(false).withPlacement("mangle", "OUTPUT");
        String set = SteeringSets.name(STEER, false);
        lab.execOk(Node.CLIENT, T, "ipset", "create", set, "hash:ip", "timeout", "600", "-exist");
        lab.execOk(Node.CLIENT, T, "ipset", "add", set, Lab.SERVER_V4, "-exist");
        withRuleset(Node.CLIENT, o, () -> {
            assertEquals("ok GET /steered", curl(false, "/steered").strip());
            assertEquals(1, lab.iptablesPackets(Node.CLIENT, "mangle", IptablesRuleset.CHAIN, "--match-set " + set),
                    "only the SYN");
            lab.execOk(Node.CLIENT, T, "ip", "route", "add", "prohibit", Lab.SERVER_V4 + "/32", "table", "100");
            lab.execOk(Node.CLIENT, T, "ip", "rule", "add", "fwmark", "0x10/0xff", "lookup", "100", "priority", "1000");
            try {
                // The socket's own route lookup (no mark yet) succeeds; mangle OUTPUT then marks the SYN and
                // re-routes it into the refusing table, so the SYN and its retransmissions never leave.
                ExecResult refused = lab.exec(Node.CLIENT, T, "curl", "-sS", "--max-time", "3", url(false, "/routed"));
                assertNotEquals(0, refused.exitCode(), "mangle OUTPUT re-routed the marked SYN: " + refused.stdout());
            } finally {
                lab.execOk(Node.CLIENT, T, "ip", "rule", "del", "fwmark", "0x10/0xff", "lookup", "100", "priority", "1000");
                lab.execOk(Node.CLIENT, T, "ip", "route", "del", "prohibit", Lab.SERVER_V4 + "/32", "table", "100");
            }
        }, () -> lab.exec(Node.CLIENT, T, "ipset", "del", set, Lab.SERVER_V4));
    }

    @Test
    void aRejectHandedBackInMangleIsResetByTheFilterPart() {
        IptablesOptions o = options(false);
        lab.execOk(Node.FW, T, "ipset", "create", SteeringSets.name(STEER, false), "hash:ip", "timeout", "600", "-exist");
        // The daemon's stand-in: the raw table runs before mangle, so the SYN arrives handed back with REJECT.
        String reject = IptablesOptions.hex(MarkBits.VERDICT | MarkBits.REJECT) + "/0xffffffff";
        String[] standIn = {"iptables-legacy", "-t", "raw", "-A", "PREROUTING", "-p", "tcp", "--dport", "80", "--syn",
            "-j", "MARK", "--set-xmark", reject};
        withRuleset(o, () -> {
            lab.execOk(Node.FW, T, standIn);
            ExecResult refused = lab.exec(Node.CLIENT, T, "curl", "-sS", "--max-time", "10", url(false, "/rejected"));
            assertEquals(7, refused.exitCode(), "curl: connection refused by the reset: " + refused.stderr());
            assertEquals(1, lab.iptablesPackets(Node.FW, "filter", RejectEnforcement.CHAIN, "-p tcp -j REJECT"));
            assertEquals(1, lab.iptablesPackets(Node.FW, "mangle", IptablesRuleset.VERDICT_CHAIN,
                    "--mark 0x40000000/0x40000000 -j ACCEPT"), "mangle accepts; filter resets");
        }, () -> {
            standIn[3] = "-D";
            lab.exec(Node.FW, T, standIn);
        });
    }

    private static long packets(boolean ipv6, String table, String chain, String fragment) {
        return ipv6 ? lab.ip6tablesPackets(Node.FW, table, chain, fragment)
                : lab.iptablesPackets(Node.FW, table, chain, fragment);
    }

    /** Applies the ruleset in the firewall, runs the body, then the cleanup and the removal, also on failure. */
    private static void withRuleset(IptablesOptions o, Runnable body, Runnable cleanup) {
        withRuleset(Node.FW, o, body, cleanup);
    }

    private static void withRuleset(Node node, IptablesOptions o, Runnable body, Runnable cleanup) {
        restore(node, o, IptablesRuleset.apply(o));
        try {
            body.run();
        } finally {
            cleanup.run();
            restore(node, o, IptablesRuleset.remove(o));
        }
    }

    private static void restore(Node node, IptablesOptions o, String document) {
        try {
            Path file = Files.createTempFile(lab.workDir(), "ruleset-", ".txt");
            Files.writeString(file, document);
            lab.execOk(node, T, "sh", "-c", o.restoreCommand() + " --noflush < " + file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String url(boolean ipv6, String path) {
        return "http://" + (ipv6 ? "[" + Lab.SERVER_V6 + "]" : Lab.SERVER_V4) + ":" + HTTP_PORT + path;
    }

    private static String curl(boolean ipv6, String path) {
        return lab.execOk(Node.CLIENT, T, "curl", "-sS", "--max-time", "20", url(ipv6, path)).stdout();
    }
}
