package org.nfqwall.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.nfqwall.cli.Main;
import org.nfqwall.lab.Lab;
import org.nfqwall.lab.Node;

/**
 * The firewall namespace of a lab made ready for kernel-level tests: the rules that
 * {@code nfqwall iptables} generates, applied for IPv4 and IPv6, and the daemon (the packaged
 * jar, as a real process) running on a rules file. Used by one test class at a time; the lab
 * cleans everything up when it closes.
 */
final class FirewallUnderTest {
    private static final Duration T = Duration.ofSeconds(20);

    private final Lab lab;
    /** {@code --queue N} or {@code --queues LIST}, the same for the ruleset and the daemon. */
    private final List<String> queueOption;
    /** The start of the daemon's start-up line, once it has bound its queues. */
    private final String started;
    private Process daemon;
    private Path log;

    FirewallUnderTest(Lab lab, int queue) {
        this.lab = lab;
        this.queueOption = List.of("--queue", String.valueOf(queue));
        this.started = "nfqwall: queue " + queue + ",";
    }

    /** Several queues: {@code queues} as {@code nfqwall run --queues} and {@code nfqwall iptables --queues} take it. */
    FirewallUnderTest(Lab lab, String queues) {
        this.lab = lab;
        this.queueOption = List.of("--queues", queues);
        this.started = "nfqwall: queues " + queues + ",";
    }

    /** Applies the generated ruleset (IPv4 and IPv6) with these extra {@code nfqwall iptables} options. */
    void applyRuleset(String... options) {
        applyRulesetIn("FORWARD", options);
    }

    /**
     * Applies the generated ruleset (IPv4 and IPv6) placed in {@code chain} (FORWARD, or
     * PREROUTING for the mangle placement that steering needs) with these extra options.
     */
    void applyRulesetIn(String chain, String... options) {
        for (boolean ipv6 : new boolean[] {false, true}) {
            List<String> args = new ArrayList<>(List.of("iptables"));
            args.addAll(queueOption);
            args.addAll(List.of("--chain", chain));
            args.addAll(List.of(options));
            if (ipv6) {
                args.add("--ipv6");
            }
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            assertEquals(0, Main.execute(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new)), err.toString());
            Path doc = lab.workDir().resolve((ipv6 ? "rules6-" : "rules4-") + System.nanoTime() + ".txt");
            try {
                Files.writeString(doc, out.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            lab.execOk(Node.FW, T, "sh", "-c", (ipv6 ? "ip6tables" : "iptables") + "-legacy-restore --noflush < " + doc);
        }
    }

    /** Starts the daemon in the firewall namespace and waits until it has bound its queues. */
    void start(Path rules, String... options) {
        log = lab.workDir().resolve("daemon-" + System.nanoTime() + ".log");
        List<String> cmd = new ArrayList<>(List.of("java", "-jar", jar().toString(), "run", "--rules", rules.toString()));
        cmd.addAll(queueOption);
        cmd.addAll(List.of(options));
        if (!List.of(options).contains("--control")) {
            // A socket of its own, so daemons of tests running side by side never share the default path.
            cmd.addAll(List.of("--control", lab.workDir().resolve("control-" + System.nanoTime() + ".sock").toString()));
        }
        daemon = lab.start(Node.FW, log, cmd.toArray(String[]::new));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!log().contains(started)) {
            if (!daemon.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the daemon did not start:\n" + log());
            }
            sleep(50);
        }
    }

    Process process() {
        return daemon;
    }

    /** Stops the daemon with SIGTERM; returns its exit code. */
    int stop() {
        return lab.stop(daemon);
    }

    /** Everything the daemon has written so far. */
    String log() {
        try {
            return log != null && Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Packets the kernel handed to the queue so far (IPv4 and IPv6 NFQUEUE rule counters). */
    long queuedPackets() {
        return queuedPackets("filter");
    }

    /** Like {@link #queuedPackets()} for a ruleset in {@code table} (mangle for PREROUTING). */
    long queuedPackets(String table) {
        return lab.iptablesPackets(Node.FW, table, "NFQWALL", "-j NFQUEUE")
                + lab.ip6tablesPackets(Node.FW, table, "NFQWALL", "-j NFQUEUE");
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("nfqwall.jar", "target/nfqwall.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError(jar + " is missing: kernel-level tests run after `mvn package` (mvn verify)");
        }
        return jar;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
