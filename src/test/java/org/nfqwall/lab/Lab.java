package org.nfqwall.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.nfqwall.lab.ToolServers.Kind;

/**
 * A private three-namespace network for kernel-level tests: client, firewall and server, built by
 * {@code scripts/lab.sh} under a unique prefix, so tests run side by side and never touch the
 * host's own interfaces or iptables. {@link #createWithUplinks()} builds the variant with two
 * uplinks between firewall and server ({@link Uplinks}).
 *
 * <pre>
 *   client 10.99.1.2 fd99:1::2 ── 10.99.1.1 fd99:1::1 [fw] 10.99.2.1 fd99:2::1 ── server 10.99.2.2 fd99:2::2
 * </pre>
 *
 * <p>{@link #close()} stops every process started through the lab and deletes the namespaces; a
 * JVM shutdown hook does the same if the test JVM is stopped first. Logs and recordings stay under
 * {@code target/lab-logs/PREFIX/} for reading after a failure. Meant for one test thread; the
 * shutdown hook is the only other thread that touches it.
 */
public final class Lab implements AutoCloseable {
    public static final String CLIENT_V4 = "10.99.1.2";
    public static final String FW_LAN_V4 = "10.99.1.1";
    public static final String FW_WAN_V4 = "10.99.2.1";
    public static final String SERVER_V4 = "10.99.2.2";
    public static final String CLIENT_V6 = "fd99:1::2";
    public static final String FW_LAN_V6 = "fd99:1::1";
    public static final String FW_WAN_V6 = "fd99:2::1";
    public static final String SERVER_V6 = "fd99:2::2";
    /** Test lab prefixes are this plus {@value #RANDOM_CHARS} random characters; scripts/test removes strays. */
    public static final String PREFIX_START = "nfqw";
    /** Random characters in a prefix: {@value}. */
    public static final int RANDOM_CHARS = 6;
    /** How long building or removing the lab may take: {@value} seconds. */
    public static final int SCRIPT_TIMEOUT_SECONDS = 30;
    /** How long a started process gets to exit after SIGTERM before it is killed: {@value} ms. */
    public static final int STOP_GRACE_MILLIS = 3000;

    private final String prefix;
    private final Path baseDir;
    private final Path workDir;
    private final List<Process> processes = new ArrayList<>();
    private final ToolServers servers = new ToolServers(this);
    private final AtomicInteger execCount = new AtomicInteger();
    private final AtomicInteger captureCount = new AtomicInteger();
    private final Thread shutdownHook = new Thread(this::closeQuietly, "lab-shutdown");
    private boolean closed;

    private Lab(String prefix, Path baseDir) {
        this.prefix = prefix;
        this.baseDir = baseDir;
        this.workDir = baseDir.resolve("target/lab-logs/" + prefix);
    }

    /** Builds a new lab with a fresh prefix; fails (never skips) if the machine cannot run it. */
    public static Lab create() {
        return create("");
    }

    /**
     * Builds the two-uplink lab (client, fw, uplinks A and B, server with one address a test
     * host; see {@link Uplinks} and {@code scripts/lab.sh}) with a fresh prefix; fails (never
     * skips) if the machine cannot run it.
     */
    public static Lab createWithUplinks() {
        return create("uplinks");
    }

    private static Lab create(String variant) {
        requireKernelLab();
        Lab lab = new Lab(newPrefix(), KernelLabRequirements.baseDir());
        try {
            Files.createDirectories(lab.workDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + lab.workDir, e);
        }
        Runtime.getRuntime().addShutdownHook(lab.shutdownHook);
        ExecResult up = lab.runOnHost(Duration.ofSeconds(SCRIPT_TIMEOUT_SECONDS),
                "bash", lab.script("lab.sh").toString(), "up", lab.prefix, variant);
        if (!up.ok()) {
            lab.close();
            throw new AssertionError("could not build the lab: " + up.describe());
        }
        return lab;
    }

    /**
     * Checks that this machine can run kernel-level tests: root, and ip, iptables-legacy,
     * ip6tables-legacy, python3, curl and ping on the PATH. Throws an AssertionError that names
     * everything missing and how to fix it.
     */
    public static void requireKernelLab() {
        KernelLabRequirements.check();
    }

    private static String newPrefix() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        SecureRandom random = new SecureRandom();
        StringBuilder out = new StringBuilder(PREFIX_START);
        for (int i = 0; i < RANDOM_CHARS; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }

    /** This lab's prefix; namespaces are PREFIX-client, PREFIX-fw and PREFIX-server. */
    public String prefix() {
        return prefix;
    }

    /** The name of a node's network namespace. */
    public String namespace(Node node) {
        return prefix + "-" + node.suffix();
    }

    /** Where this lab keeps logs and recordings: target/lab-logs/PREFIX. */
    public Path workDir() {
        return workDir;
    }

    /** The repository root (system property nfqwall.basedir, else the working directory). */
    public Path baseDir() {
        return baseDir;
    }

    /** A test tool from src/test/resources/lab, e.g. {@code tool("split_client.py")}. */
    public Path tool(String name) {
        return baseDir.resolve("src/test/resources/lab/" + name);
    }

    private Path script(String name) {
        return baseDir.resolve("scripts/" + name);
    }

    /**
     * Runs a command in a node's namespace and waits for it. Throws an AssertionError if it runs
     * longer than {@code timeout} (it is killed first).
     */
    public ExecResult exec(Node node, Duration timeout, String... cmd) {
        return runOnHost(timeout, inNamespace(node, cmd));
    }

    /** Like {@link #exec} but throws an AssertionError with both outputs unless it exits with 0. */
    public ExecResult execOk(Node node, Duration timeout, String... cmd) {
        return exec(node, timeout, cmd).requireOk();
    }

    private String[] inNamespace(Node node, String... cmd) {
        return Stream.concat(Stream.of("ip", "netns", "exec", namespace(node)), Stream.of(cmd))
                .toArray(String[]::new);
    }

    private ExecResult runOnHost(Duration timeout, String... cmd) {
        int n = execCount.incrementAndGet();
        Path out = workDir.resolve("exec-" + n + ".out");
        Path err = workDir.resolve("exec-" + n + ".err");
        try {
            Files.createDirectories(workDir);
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(
                            Path.of("/dev/null").toFile())).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS);
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms: "
                        + new ExecResult(List.of(cmd), -1, Files.readString(out),
                        Files.readString(err)).describe());
            }
            ExecResult result = new ExecResult(List.of(cmd), p.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", cmd), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + String.join(" ", cmd), e);
        }
    }

    /**
     * Starts a background process in a node's namespace, its stdout and stderr appended to
     * {@code log}. It is stopped by {@link #stop} or, at the latest, by {@link #close()}.
     */
    public synchronized Process start(Node node, Path log, String... cmd) {
        if (closed) {
            throw new IllegalStateException("lab " + prefix + " is closed");
        }
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            Process p = new ProcessBuilder(inNamespace(node, cmd)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", cmd), e);
        }
    }

    /**
     * Sends SIGTERM to a started process (and its children), waits up to
     * {@value #STOP_GRACE_MILLIS} ms, then kills it; returns its exit code (143 = died of SIGTERM,
     * 137 = had to be killed).
     */
    public int stop(Process p) {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return p.isAlive() ? -1 : p.exitValue();
    }

    /**
     * Starts the recording server (recording_server.py) in the server namespace on {@code port},
     * for IPv4 and IPv6, and waits until it listens.
     */
    public Process startRecordingServer(int port) {
        Path recording = workDir.resolve("received-" + port + ".jsonl");
        return servers.start("recording_server.py", port, Map.of(Kind.REQUESTS, recording),
                "--log", recording.toString());
    }

    /**
     * Starts the HTTPS server (tls_server.py: HTTP/1.1 over TLS, ALPN http/1.1, the recording
     * server's answers) in the server namespace on {@code port}, for IPv4 and IPv6, and waits
     * until it listens. Its certificate ({@link #tlsCertificate()}) is made on first use.
     */
    public Process startTlsServer(int port) {
        Path recording = workDir.resolve("received-" + port + ".jsonl");
        Path handshakes = workDir.resolve("handshakes-" + port + ".jsonl");
        return servers.start("tls_server.py", port,
                Map.of(Kind.REQUESTS, recording, Kind.HANDSHAKES, handshakes),
                "--log", recording.toString(), "--handshake-log", handshakes.toString(),
                "--cert-dir", workDir.resolve("tls").toString());
    }

    /** The lab's self-signed certificate (PEM, example.com and *.example.com), made by the first TLS server. */
    public Path tlsCertificate() {
        return workDir.resolve("tls/cert.pem");
    }

    /** Every request any recording or TLS server received so far, in arrival order. */
    public List<ReceivedRequest> receivedRequests() {
        List<ReceivedRequest> all = new ArrayList<>();
        servers.ports(Kind.REQUESTS).forEach(port -> all.addAll(receivedRequests(port)));
        all.sort(Comparator.comparing(ReceivedRequest::time));
        return all;
    }

    /** The requests the recording or TLS server on {@code port} received so far, in arrival order. */
    public List<ReceivedRequest> receivedRequests(int port) {
        return servers.lines(Kind.REQUESTS, port).stream().map(ReceivedRequest::fromJson).toList();
    }

    /**
     * The handshakes the TLS server on {@code port} completed so far, in order (failed ones are
     * only in its log, handshakes-PORT.jsonl, with the error).
     */
    public List<TlsHandshake> tlsHandshakes(int port) {
        return servers.lines(Kind.HANDSHAKES, port).stream()
                .filter(line -> Boolean.TRUE.equals(line.get("ok"))).map(TlsHandshake::fromJson).toList();
    }

    /**
     * Starts the DNS server (dns_server.py: answers from a fixed table, {@code records} as
     * NAME=TYPE:VALUE, e.g. {@code www.example.com=A:10.99.9.4}) in the server namespace on
     * {@code address} port 53, and waits until it listens.
     */
    public Process startDnsServer(String address, String... records) {
        List<String> args = new ArrayList<>(List.of("--bind", address));
        args.addAll(List.of(records));
        return servers.start("dns_server.py", 53, Map.of(), args.toArray(String[]::new));
    }

    /** Starts a UDP sink (udp_sink.py: logs each datagram, never answers) in the server namespace. */
    public Process startUdpSink(int port) {
        Path log = workDir.resolve("datagrams-" + port + ".jsonl");
        return servers.start("udp_sink.py", port, Map.of(Kind.DATAGRAMS, log), "--log", log.toString());
    }

    /** How many datagrams the UDP sink on {@code port} received so far. */
    public int udpReceived(int port) {
        return servers.lines(Kind.DATAGRAMS, port).size();
    }

    /** The datagrams the UDP sink on {@code port} received so far, in arrival order. */
    public List<ReceivedDatagram> udpDatagrams(int port) {
        return servers.lines(Kind.DATAGRAMS, port).stream().map(ReceivedDatagram::fromJson).toList();
    }

    /** Sends datagrams given in hex, in order, from one socket on {@code from}; returns how many were sent. */
    public int sendUdpHex(Node from, String address, int port, List<String> hexDatagrams) {
        return sendUdpHex(from, address, port, hexDatagrams, Duration.ZERO);
    }

    /**
     * Like {@link #sendUdpHex(Node, String, int, List)} with {@code gap} between datagrams. Throws
     * an AssertionError if udp_send.py refuses the input or a send fails.
     */
    public int sendUdpHex(Node from, String address, int port, List<String> hexDatagrams, Duration gap) {
        Path file = workDir.resolve("udp-send-" + execCount.incrementAndGet() + ".hex");
        return UdpSender.send(this, from, file, address, port, hexDatagrams, gap);
    }

    /** Starts a TCP sink (tcp_sink.py: reads everything, never answers) in the server namespace. */
    public Process startTcpSink(int port) {
        Path log = workDir.resolve("tcp-sink-" + port + ".jsonl");
        return servers.start("tcp_sink.py", port, Map.of(Kind.TCP_SINK, log), "--log", log.toString());
    }

    /** The bytes the TCP sink on {@code port} received so far, over all connections. */
    public long tcpSinkBytes(int port) {
        return tcpSinkConnections(port).stream().mapToLong(SinkConnection::bytes).sum();
    }

    /** The connections the TCP sink on {@code port} accepted so far, in accept order. */
    public List<SinkConnection> tcpSinkConnections(int port) {
        return SinkConnection.fromJsonLines(servers.lines(Kind.TCP_SINK, port));
    }

    /** A split_client.py run from the client namespace to {@code address:port}; see {@link SplitClient}. */
    public SplitClient splitClient(String address, int port) {
        return new SplitClient(this, address, port);
    }

    /**
     * Starts keepalive_client.py in the client namespace: two requests with Host {@code name} on
     * one connection to {@code address:port}; see {@link KeepAliveClient}.
     */
    public KeepAliveClient keepAliveClient(String address, int port, String name) {
        return new KeepAliveClient(this, address, port, name, execCount.incrementAndGet());
    }

    /** A tls_client.py run from the client namespace to {@code address:port}; see {@link TlsClient}. */
    public TlsClient tlsClient(String address, int port) {
        return new TlsClient(this, address, port);
    }

    /**
     * Downloads {@code url} with curl from {@code from} (within 120 s) and says how many bytes
     * came in what time; see {@link #download(Node, String, boolean, Duration)}.
     */
    public Download download(Node from, String url, boolean tls) {
        return download(from, url, tls, Duration.ofSeconds(120));
    }

    /**
     * Downloads {@code url} with curl: {@code tls} means https with -k (a URL without scheme gets
     * the right one); a host name in the URL resolves to {@link #SERVER_V4}, so it is the SNI and
     * Host header. Failing downloads (reset, timeout) are returned, not thrown.
     */
    public Download download(Node from, String url, boolean tls, Duration timeout) {
        return download(from, url, tls, SERVER_V4, timeout);
    }

    /**
     * Like {@link #download(Node, String, boolean, Duration)}, a host name in the URL resolving
     * to {@code address} (the two-uplink lab's server has one address a test host).
     */
    public Download download(Node from, String url, boolean tls, String address, Duration timeout) {
        List<String> cmd = Download.command(url, tls, timeout, address);
        return Download.fromCurl(exec(from, timeout.plusSeconds(10), cmd.toArray(String[]::new)));
    }

    /**
     * Starts tcpdump on {@code iface} of {@code node} (e.g. FW "lan0": what the client sent to the
     * firewall) with a pcap {@code filter} such as "tcp port 443", and waits until it captures.
     */
    public Capture capture(Node node, String iface, String filter) {
        return Capture.start(this, node, iface, filter, captureCount.incrementAndGet());
    }

    /**
     * Reads {@code read} until {@code done} holds or {@code timeout} passes (every 20 ms), and
     * returns the last value read: for logs written a moment after the traffic that causes them.
     */
    public static <T> T eventually(Duration timeout, Supplier<T> read, Predicate<T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T value = read.get();
        while (!done.test(value) && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(20));
            value = read.get();
        }
        return value;
    }

    /**
     * Sums the packet counters of the IPv4 rules in {@code table}/{@code chain} of a node whose
     * {@code iptables-legacy -S} form contains {@code ruleFragment} (e.g. "--dport 81"); the
     * policy line counts as "-P CHAIN". Throws an AssertionError listing the chain if none match.
     */
    public long iptablesPackets(Node node, String table, String chain, String ruleFragment) {
        return packets(node, "iptables-legacy", table, chain, ruleFragment);
    }

    /** Like {@link #iptablesPackets} for IPv6 (ip6tables-legacy). */
    public long ip6tablesPackets(Node node, String table, String chain, String ruleFragment) {
        return packets(node, "ip6tables-legacy", table, chain, ruleFragment);
    }

    private long packets(Node node, String tool, String table, String chain, String fragment) {
        String rules = execOk(node, Duration.ofSeconds(10), tool, "-t", table, "-S", chain, "-v").stdout();
        long sum = 0;
        boolean matched = false;
        for (String line : rules.split("\n")) {
            IptablesRuleLine rule = IptablesRuleLine.parse(line);
            if (rule != null && rule.withoutCounters().contains(fragment)) {
                sum += rule.packets();
                matched = true;
            }
        }
        if (!matched) {
            throw new AssertionError("no rule containing '" + fragment + "' in " + tool + " -t "
                    + table + " -S " + chain + " in " + namespace(node) + ":\n" + rules);
        }
        return sum;
    }

    /** Stops all started processes and removes the namespaces. Safe to call more than once. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException alreadyShuttingDownOrRemoved) {
            // The hook itself is running this, or the JVM is exiting: nothing to unregister.
        }
        List<Process> started;
        synchronized (this) {
            started = new ArrayList<>(processes);
        }
        started.forEach(p -> p.descendants().forEach(ProcessHandle::destroy));
        started.forEach(Process::destroy);
        started.forEach(this::stop);
        ExecResult down = runOnHost(Duration.ofSeconds(SCRIPT_TIMEOUT_SECONDS),
                "bash", script("lab.sh").toString(), "down", prefix);
        if (!down.ok() || !remainingNamespaces().isEmpty()) {
            throw new AssertionError("could not remove lab " + prefix + " (still there: "
                    + remainingNamespaces() + "): " + down.describe());
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException | AssertionError e) {
            System.err.println("lab " + prefix + ": " + e.getMessage());
        }
    }

    /** This lab's namespaces that exist right now (empty once closed). */
    public List<String> remainingNamespaces() {
        String list = runOnHost(Duration.ofSeconds(10), "ip", "netns", "list").requireOk().stdout();
        return list.lines().map(l -> l.split(" ")[0])
                .filter(name -> name.startsWith(prefix + "-")).collect(Collectors.toList());
    }

    static String readOrEmpty(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
