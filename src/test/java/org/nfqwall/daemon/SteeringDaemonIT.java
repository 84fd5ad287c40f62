package org.nfqwall.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.nfqwall.cli.Main;
import org.nfqwall.lab.ExecResult;
import org.nfqwall.lab.Lab;
import org.nfqwall.lab.Node;

/**
 * The daemon's side of steering through the kernel, in the standard lab: the daemon creates the
 * steering sets, a request for a steered host puts the server address in the mark's set (and
 * leaves the live connection unmarked), the next connection is marked at its SYN by a set-match
 * rule, DNS answers from a tiny server ({@code dns_server.py}) fill the set before the client has
 * them (A and AAAA, through a CNAME chain too), IPv6 servers go into the IPv6 set, and a reload
 * keeps the entries. The generated ruleset of main is applied, plus by hand what the steering
 * generator adds: DNS answers through the queue and the set-match rule.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SteeringDaemonIT {
    private static final Duration T = Duration.ofSeconds(20);
    private static final int QUEUE = 7;
    private static final String SET = "nfqwall-mark-0x10";
    private static final String SET6 = "nfqwall-mark6-0x10";
    private static final String MASK = "0xfffffff";
    private static final String RULES = """
            default: accept
            marks:
              vpn: {value: 0x10, table: 100, steer: {timeout: 10m, max: 1000}}
            rules:
              - name: steer-shop
                host: ["www.steer.test", "*.cdn.test"]
                verdict: {mark: vpn}
            """;
    private static Lab lab;
    private static FirewallUnderTest firewall;
    private static Path rules;
    private static Path control;

    @BeforeAll
    static void startFirewall() throws IOException {
        lab = Lab.create();
        lab.startRecordingServer(80);
        lab.start(Node.SERVER, lab.workDir().resolve("dns.log"), "python3", lab.tool("dns_server.py").toString(),
                "--max-seconds", "300", "www.steer.test=A:10.99.2.77", "alias.other=CNAME:edge.cdn.test",
                "edge.cdn.test=A:10.99.2.78", "plain.other=A:10.99.2.79", "v6.cdn.test=AAAA:fd99:2::77");
        Lab.eventually(T, () -> read(lab.workDir().resolve("dns.log")), s -> s.contains("READY"));
        firewall = new FirewallUnderTest(lab, QUEUE);
        firewall.applyRuleset("--ports", "80");
        // What `nfqwall iptables --dns` adds: DNS answers go through the queue.
        lab.execOk(Node.FW, T, "iptables-legacy", "-A", "FORWARD", "-p", "udp", "--sport", "53", "-j", "NFQWALL");
        rules = lab.workDir().resolve("steering.yaml");
        Files.writeString(rules, RULES);
        control = lab.workDir().resolve("control.sock");
        firewall.start(rules, "--control", control.toString(), "--log-format", "text");
    }

    @AfterAll
    static void stopFirewall() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    @Order(1)
    void theDaemonCreatesTheSteeringSetsOfItsRulesAtStart() {
        String sets = lab.execOk(Node.FW, T, "ipset", "list", "-n").stdout();
        assertTrue(sets.contains(SET) && sets.contains(SET6), sets + "\n" + firewall.log());
        assertTrue(firewall.log().contains("nfqwall: steering sets ready: " + SET + ", " + SET6), firewall.log());
    }

    @Test
    @Order(2)
    void aRequestForASteeredHostPutsTheServerInTheSetAndLeavesTheLiveConnectionUnmarked() {
        assertEquals("200", curl("www.steer.test").stdout());
        assertTrue(entries(SET).contains(Lab.SERVER_V4), entries(SET) + "\n" + firewall.log());
        assertTrue(timeout(SET, Lab.SERVER_V4) > 500, "the mark's timeout (10 min)");
        String log = Lab.eventually(T, firewall::log, l -> l.contains("steer=next"));
        assertTrue(log.contains("MARK(0x10) tcp") && log.contains("rule=steer-shop") && log.contains("steer=next"), log);
    }

    @Test
    @Order(3)
    void anIpv6ServerGoesIntoTheIpv6Set() {
        ExecResult r = lab.exec(Node.CLIENT, T, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5",
                "-H", "Host: www.steer.test", "http://[" + Lab.SERVER_V6 + "]/steer6");
        assertEquals("200", r.stdout(), r.describe());
        assertTrue(entries(SET6).contains(Lab.SERVER_V6), entries(SET6) + "\n" + firewall.log());
        assertFalse(entries(SET).contains(Lab.SERVER_V6));
    }

    @Test
    @Order(4)
    void theNextConnectionCarriesTheMarkFromItsSynAndKeepsIt() {
        // What `nfqwall iptables --rules` adds for a steering mark: new connections to a remembered address are marked.
        lab.execOk(Node.FW, T, "iptables-legacy", "-I", "NFQWALL", "1", "-m", "conntrack", "--ctstate", "NEW",
                "-m", "connmark", "--mark", "0x0/" + MASK, "-m", "set", "--match-set", SET, "dst",
                "-j", "CONNMARK", "--set-xmark", "0x10/" + MASK);
        assertEquals("200", curl("www.steer.test").stdout());
        assertTrue(lab.iptablesPackets(Node.FW, "filter", "NFQWALL", "match-set " + SET) >= 1);
        String log = Lab.eventually(T, firewall::log, l -> l.contains("steer=now"));
        assertTrue(log.contains("steer=now"), log);
    }

    @Test
    @Order(5)
    void aDnsAnswerPutsTheAddressInTheSetBeforeTheClientHasIt() {
        assertEquals(List.of("ANSWER 0 1", "CHECK 0"), query("www.steer.test", "10.99.2.77"));
        assertEquals(List.of("ANSWER 0 2", "CHECK 0"), query("alias.other", "10.99.2.78"), "steered by its CNAME target");
        assertEquals(List.of("ANSWER 0 1", "CHECK 1"), query("plain.other", "10.99.2.79"), "not a steered host");
        assertEquals(List.of("ANSWER 3 0"), query("nothing.test", null), "NXDOMAIN passes unchanged");
        assertEquals(List.of("ANSWER 0 1", "CHECK 0"), query("v6.cdn.test", "fd99:2::77", "AAAA", SET6), "AAAA into the IPv6 set");
        String stats = cli("stats", "--json");
        assertTrue(counter(stats, "dns_responses") >= 4, stats);
        assertTrue(counter(stats, "dns_steered_addresses") >= 2, stats);
        assertTrue(counter(stats, "steer_added") >= 4, stats);
        assertEquals(0, counter(stats, "steer_set_missing"), stats);
        assertTrue(counter(stats, "steer_deferred") >= 1, stats);
    }

    @Test
    @Order(6)
    void aReloadKeepsTheEntriesAndCreatesTheSetsOfNewMarks() throws IOException {
        Files.writeString(rules, RULES.replace("rules:\n", "  slow: {value: 0x20, shape: {rate: 1mbit}, steer: {timeout: 1h}}\nrules:\n")
                + "  - name: slowed\n    host: slow.test\n    verdict: {mark: slow}\n");
        String out = cli("reload");
        assertTrue(out.contains("reloaded") || out.contains("change"), out);
        String sets = lab.execOk(Node.FW, T, "ipset", "list", "-n").stdout();
        assertTrue(sets.contains("nfqwall-mark-0x20") && sets.contains("nfqwall-mark6-0x20"), sets + "\n" + firewall.log());
        String kept = entries(SET);
        assertTrue(kept.contains(Lab.SERVER_V4) && kept.contains("10.99.2.77") && kept.contains("10.99.2.78"), kept);
    }

    @Test
    @Order(7)
    void aMissingSetIsReportedOnceAndCountedAndTheRequestStillPasses() {
        lab.execOk(Node.FW, T, "ipset", "destroy", "nfqwall-mark-0x20");
        assertEquals("200", curl("slow.test").stdout());
        assertEquals("200", curl("slow.test").stdout());
        String log = Lab.eventually(T, firewall::log, l -> l.contains("cannot add to the steering set"));
        assertTrue(log.contains("nfqwall: cannot add to the steering set nfqwall-mark-0x20: no such set"), log);
        assertEquals(log.indexOf("cannot add to the steering set"), log.lastIndexOf("cannot add to the steering set"),
                "reported once");
        assertEquals(2, counter(cli("stats", "--json"), "steer_set_missing"));
    }

    private static ExecResult curl(String host) {
        return lab.exec(Node.CLIENT, T, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5",
                "-H", "Host: " + host, "http://" + Lab.SERVER_V4 + "/steer");
    }

    /** Asks the lab's DNS server for {@code name}; as the answer arrives, tests whether {@code address} is in the set. */
    private static List<String> query(String name, String address) {
        return query(name, address, "A", SET);
    }

    private static List<String> query(String name, String address, String type, String set) {
        List<String> cmd = new ArrayList<>(List.of("python3", lab.tool("dns_query.py").toString(), Lab.SERVER_V4, name,
                "--type", type));
        if (address != null) {
            cmd.addAll(List.of("--then", "ip", "netns", "exec", lab.namespace(Node.FW), "ipset", "test", set, address));
        }
        String out = lab.execOk(Node.CLIENT, T, cmd.toArray(String[]::new)).stdout();
        List<String> lines = new ArrayList<>();
        for (String line : out.split("\n")) {
            // "ANSWER rcode ancount bytes": the byte count varies with the names.
            lines.add(line.startsWith("ANSWER") ? line.substring(0, line.lastIndexOf(' ')) : line);
        }
        return lines;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String entries(String set) {
        return lab.execOk(Node.FW, T, "ipset", "list", set).stdout();
    }

    private static long timeout(String set, String address) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(address) + " timeout (\\d+)").matcher(entries(set));
        assertTrue(m.find(), entries(set));
        return Long.parseLong(m.group(1));
    }

    private static long counter(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(\\d+)").matcher(json);
        assertTrue(m.find(), name + " in " + json);
        return Long.parseLong(m.group(1));
    }

    /** Runs the CLI in this JVM against the daemon's control socket; fails unless it exits with 0. */
    private static String cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--control", control.toString()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out), new PrintWriter(err), all.toArray(String[]::new));
        assertEquals(0, code, String.join(" ", args) + ": " + out + err + "\n" + firewall.log());
        return out.toString();
    }
}
