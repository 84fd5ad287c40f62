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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nfqwall.cli.Main;
import org.nfqwall.gen.SteeringSets;
import org.nfqwall.lab.Lab;
import org.nfqwall.lab.Node;

/**
 * The steering side of the two-uplink lab's firewall: applies what {@code nfqwall routing} and
 * {@code nfqwall shaping} generate (as the admin would: the printed script run by sh), and reads
 * back the kernel state the tests assert on: the members of the steering ipsets and the byte and
 * packet counters of tc classes. One test class at a time; the lab removes everything it made.
 */
final class SteeringFirewall {
    private static final Duration T = Duration.ofSeconds(20);
    private static final Pattern CLASS_HEAD = Pattern.compile("^class htb (\\S+) ");
    private static final Pattern SENT = Pattern.compile("^\\s*Sent (\\d+) bytes (\\d+) pkt");

    /**
     * One tc class's counters.
     *
     * @param bytes bytes sent through the class
     * @param packets packets sent through it
     */
    record ClassCounters(long bytes, long packets) {
        ClassCounters minus(ClassCounters before) {
            return new ClassCounters(bytes - before.bytes, packets - before.packets);
        }
    }

    private final Lab lab;

    SteeringFirewall(Lab lab) {
        this.lab = lab;
    }

    /**
     * Runs {@code nfqwall ARGS} in this JVM (the real CLI), checks that it exits 0, and runs the
     * shell script it printed in the firewall namespace with {@code sh -e}.
     */
    void applyGenerated(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out), new PrintWriter(err), args);
        assertEquals(0, code, "nfqwall " + String.join(" ", args) + ": " + err);
        Path script = lab.workDir().resolve(args[0] + "-" + System.nanoTime() + ".sh");
        try {
            Files.writeString(script, out.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        lab.execOk(Node.FW, T, "sh", "-e", script.toString());
    }

    /** The addresses in the steering ipset of {@code markValue} (IPv4 or IPv6) right now. */
    List<String> steeringSet(int markValue, boolean ipv6) {
        String list = lab.execOk(Node.FW, T, "ipset", "list", SteeringSets.name(markValue, ipv6)).stdout();
        List<String> members = new ArrayList<>();
        boolean inMembers = false;
        for (String line : list.split("\n")) {
            if (inMembers && !line.isBlank()) {
                members.add(line.strip().split(" ")[0]);
            }
            inMembers |= line.startsWith("Members:");
        }
        return members;
    }

    /** Every HTB class on {@code dev} by class id (e.g. "1:10"), with its counters now. */
    Map<String, ClassCounters> classes(String dev) {
        String show = lab.execOk(Node.FW, T, "tc", "-s", "class", "show", "dev", dev).stdout();
        Map<String, ClassCounters> classes = new LinkedHashMap<>();
        String current = null;
        for (String line : show.split("\n")) {
            Matcher head = CLASS_HEAD.matcher(line);
            Matcher sent = SENT.matcher(line);
            if (head.find()) {
                current = head.group(1);
            } else if (current != null && sent.find()) {
                classes.put(current, new ClassCounters(Long.parseLong(sent.group(1)), Long.parseLong(sent.group(2))));
                current = null;
            }
        }
        return classes;
    }

    /** What each class on {@code dev} sent since {@code before} (a reading of {@link #classes}). */
    Map<String, ClassCounters> classesSince(String dev, Map<String, ClassCounters> before) {
        Map<String, ClassCounters> grown = new LinkedHashMap<>();
        classes(dev).forEach((id, now) -> grown.put(id, now.minus(before.getOrDefault(id, new ClassCounters(0, 0)))));
        return grown;
    }

    /**
     * The id of the HTB class on {@code dev} with this rate and ceil as tc prints them (e.g.
     * "20Mbit", "40Mbit"): how a test finds a mark's class in the kernel, whatever ids the
     * generator chose. Fails unless exactly one class has them.
     */
    String classWithRate(String dev, String rate, String ceil) {
        String show = lab.execOk(Node.FW, T, "tc", "class", "show", "dev", dev).stdout();
        List<String> ids = show.lines().filter(l -> l.contains(" rate " + rate + " ceil " + ceil + " "))
                .map(l -> l.split(" ")[2]).toList();
        assertEquals(1, ids.size(), "classes with rate " + rate + " ceil " + ceil + " on " + dev + ":\n" + show);
        return ids.get(0);
    }

    /** The id of the class that the HTB root qdisc on {@code dev} sends unclassified packets to. */
    String defaultClass(String dev) {
        String show = lab.execOk(Node.FW, T, "tc", "qdisc", "show", "dev", dev).stdout();
        Matcher m = Pattern.compile("qdisc htb (\\d+): root .* default (0x)?([0-9a-f]+)").matcher(show);
        if (!m.find()) {
            throw new AssertionError("no HTB root qdisc with a default class on " + dev + ":\n" + show);
        }
        return m.group(1) + ":" + m.group(3);
    }
}
