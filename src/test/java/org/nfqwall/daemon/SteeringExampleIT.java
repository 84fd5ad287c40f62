package org.nfqwall.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nfqwall.lab.ExecResult;
import org.nfqwall.lab.Lab;
import org.nfqwall.lab.Node;

/**
 * scripts/steering-example against rules/steering.yaml, so neither can rot: the plan it prints
 * by default is complete and changes nothing; with --apply, run in a lab's firewall namespace
 * (lan0, wan0, and a veth standing in for the example's wg0), it installs the steering ipsets,
 * ip rules and routes, the mangle ruleset and the HTB trees; with --remove --apply it takes
 * every one of them out again. The host's own interfaces are never named.
 */
class SteeringExampleIT {
    private static final Duration T = Duration.ofSeconds(120);
    private static final String SCRIPT = "scripts/steering-example";
    private static Lab lab;

    @BeforeAll
    static void buildLab() {
        lab = Lab.create();
        // The example routes through wg0 to 10.8.0.1 / fd00:8::1: a veth with that network.
        lab.execOk(Node.FW, T, "ip", "link", "add", "wg0", "type", "veth", "peer", "name", "wg0peer");
        lab.execOk(Node.FW, T, "ip", "addr", "add", "10.8.0.2/24", "dev", "wg0");
        lab.execOk(Node.FW, T, "ip", "-6", "addr", "add", "fd00:8::2/64", "dev", "wg0", "nodad");
        lab.execOk(Node.FW, T, "ip", "link", "set", "wg0", "up");
        lab.execOk(Node.FW, T, "ip", "link", "set", "wg0peer", "up");
    }

    @AfterAll
    static void removeLab() {
        if (lab != null) {
            lab.close();
        }
    }

    private static ExecResult example(Node node, String... args) {
        List<String> cmd = new ArrayList<>(List.of("bash", lab.baseDir().resolve(SCRIPT).toString(),
                "--rules", lab.baseDir().resolve("rules/steering.yaml").toString(),
                "--nfqwall", "java -jar " + FirewallUnderTest.jar().toAbsolutePath(),
                "--lan-dev", "lan0", "--wan-dev", "wan0"));
        cmd.addAll(List.of(args));
        return lab.exec(node, T, cmd.toArray(String[]::new));
    }

    /** What the example installs, as the kernel shows it; "" where nothing is. */
    private static String state() {
        StringBuilder s = new StringBuilder();
        s.append(lab.execOk(Node.FW, T, "ip", "-4", "rule", "show").stdout());
        s.append(lab.execOk(Node.FW, T, "ip", "-6", "rule", "show").stdout());
        s.append(lab.execOk(Node.FW, T, "ip", "-4", "route", "show", "table", "all").stdout());
        s.append(lab.execOk(Node.FW, T, "ip", "-6", "route", "show", "table", "all").stdout());
        s.append(lab.execOk(Node.FW, T, "ipset", "list", "-name").stdout());
        for (String save : List.of("iptables-legacy-save", "ip6tables-legacy-save")) {
            // Rules and user chains only: a table that was once loaded stays listed, empty.
            lab.execOk(Node.FW, T, save).stdout().lines().filter(l -> l.startsWith("-A ") || l.matches(":\\S+ - .*"))
                    .forEach(l -> s.append(l).append('\n'));
        }
        for (String dev : List.of("lan0", "wan0")) {
            s.append(lab.execOk(Node.FW, T, "tc", "qdisc", "show", "dev", dev).stdout());
            s.append(lab.execOk(Node.FW, T, "tc", "class", "show", "dev", dev).stdout());
        }
        return s.toString();
    }

    @Test
    void printsACompletePlanAndChangesNothingWithoutApply() {
        String before = state();
        ExecResult plan = example(Node.FW).requireOk();
        ExecResult removal = example(Node.FW, "--remove").requireOk();
        assertEquals(before, state(), "a plan without --apply must not change anything");
        String text = plan.stdout();
        for (String part : List.of("# 1. policy routing", "ip rule add fwmark 0x10", "ipset create nfqwall-mark-0x10",
                "# 2a. ruleset, IPv4", "iptables-legacy-restore --noflush", "-I PREROUTING 1 -m mark ! --mark 0x80000000/0x80000000",
                "--match-set nfqwall-mark-0x10 dst", "-p udp -m udp --sport 53 -j NFQWALL",
                "# 2b. ruleset, IPv6", "ip6tables-legacy-restore --noflush", "nfqwall-mark6-0x10",
                "# 3a. shaping of downloads", "tc qdisc add dev lan0", "# 3b. shaping of uploads", "dev wan0")) {
            assertTrue(text.contains(part), "the plan lacks '" + part + "':\n" + text);
        }
        assertTrue(removal.stdout().indexOf("# 3b.") < removal.stdout().indexOf("# 2a.")
                && removal.stdout().indexOf("# 2a.") < removal.stdout().indexOf("# 1."),
                "removal runs shaping, ruleset, routing in that order:\n" + removal.stdout());
    }

    @Test
    void appliesInTheKernelAndRemovesEverythingItApplied() {
        String before = state();
        ExecResult applied = example(Node.FW, "--apply");
        assertEquals(0, applied.exitCode(), applied.describe());
        String on = state();
        for (String part : List.of("fwmark 0x10", "lookup 100", "default via 10.8.0.1 dev wg0 table 100",
                "default via fd00:8::1 dev wg0", "nfqwall-mark-0x10", "nfqwall-mark6-0x10",
                "-A PREROUTING -m mark ! --mark 0x80000000/0x80000000 -m connmark ! --mark 0x0/0xfffffff -j CONNMARK --restore-mark", "-j NFQUEUE --queue-num 10",
                "qdisc htb 1: root", "rate 2Mbit ceil 4Mbit", "rate 20Mbit ceil 100Mbit")) {
            assertTrue(on.contains(part), "after --apply, the kernel lacks '" + part + "':\n" + on);
        }
        ExecResult removed = example(Node.FW, "--remove", "--apply");
        assertEquals(0, removed.exitCode(), removed.describe());
        assertEquals(before, state(), "--remove --apply must leave the namespace as it was");
    }

    @Test
    void aBadRulesFileStopsThePlanWithItsError() throws IOException {
        Path bad = lab.workDir().resolve("bad-steering.yaml");
        Files.writeString(bad, "marks:\n  vpn: {value: 0x10, table: 254}\n");
        ExecResult r = lab.exec(Node.FW, T, "bash", lab.baseDir().resolve(SCRIPT).toString(), "--rules", bad.toString(),
                "--nfqwall", "java -jar " + FirewallUnderTest.jar().toAbsolutePath());
        assertEquals(1, r.exitCode(), r.describe());
        assertTrue(r.stderr().contains(bad + ":2:29: bad table \"254\""), r.describe());
        assertEquals("", r.stdout(), "no plan for a broken file");
    }

    @Test
    void refusesToApplyOnDevicesThatDoNotExist() {
        List<String> cmd = List.of("bash", lab.baseDir().resolve(SCRIPT).toString(),
                "--nfqwall", "java -jar " + FirewallUnderTest.jar().toAbsolutePath(),
                "--lan-dev", "nosuchlan", "--wan-dev", "wan0", "--apply");
        String before = state();
        ExecResult r = lab.exec(Node.FW, T, cmd.toArray(String[]::new));
        assertEquals(2, r.exitCode(), r.describe());
        assertTrue(r.stderr().contains("no device 'nosuchlan'"), r.describe());
        assertEquals(before, state());
        assertFalse(r.stdout().contains("tc qdisc"), r.describe());
    }
}
