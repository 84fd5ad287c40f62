package org.nfqwall.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A tcpdump capture on one interface of a lab node, to see exactly which segments crossed the
 * wire. Made by {@link Lab#capture(Node, String, String)}; {@link #stop()} ends it and returns
 * the packets. The pcap file stays in the lab's work directory. One thread.
 *
 * <pre>
 * Capture capture = lab.capture(Node.FW, "lan0", "tcp port 443");
 * ... traffic ...
 * List&lt;CapturedPacket&gt; packets = capture.stop();
 * </pre>
 */
public final class Capture {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final Lab lab;
    private final Process process;
    private final Path pcap;
    private final Path log;
    private List<CapturedPacket> packets;

    private Capture(Lab lab, Process process, Path pcap, Path log) {
        this.lab = lab;
        this.process = process;
        this.pcap = pcap;
        this.log = log;
    }

    static Capture start(Lab lab, Node node, String iface, String filter, int number) {
        Path pcap = lab.workDir().resolve("capture-" + number + ".pcap");
        Path log = lab.workDir().resolve("capture-" + number + ".log");
        // -U and --immediate-mode: every packet reaches the file at once, so stop() misses none;
        // -Z root: tcpdump keeps the rights to write under target/.
        Process p = lab.start(node, log, "tcpdump", "-i", iface, "-nn", "-s", "0", "-U",
                "--immediate-mode", "-Z", "root", "-w", pcap.toString(), filter);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String out = Lab.readOrEmpty(log);
            if (out.contains("listening on")) {
                return new Capture(lab, p, pcap, log);
            }
            if (!p.isAlive()) {
                throw new AssertionError("tcpdump on " + lab.namespace(node) + " " + iface
                        + " exited with " + p.exitValue() + ":\n" + out);
            }
            Lab.sleep(Duration.ofMillis(20));
        }
        lab.stop(p);
        throw new AssertionError("tcpdump on " + iface + " did not start within "
                + START_TIMEOUT.toSeconds() + " s:\n" + Lab.readOrEmpty(log));
    }

    /** Stops tcpdump (once) and returns every IPv4/IPv6 packet it captured, in order. */
    public List<CapturedPacket> stop() {
        if (packets == null) {
            lab.stop(process);
            try {
                packets = Pcap.read(Files.readAllBytes(pcap));
            } catch (IOException e) {
                throw new UncheckedIOException("tcpdump left no readable " + pcap + ":\n"
                        + Lab.readOrEmpty(log), e);
            }
        }
        return new ArrayList<>(packets);
    }

    /** The pcap file, for reading with tcpdump -r or wireshark after a failure. */
    public Path file() {
        return pcap;
    }
}
