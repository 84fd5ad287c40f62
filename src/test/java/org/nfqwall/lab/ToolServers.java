package org.nfqwall.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The lab's listening test tools (recording_server.py, tls_server.py, udp_sink.py, tcp_sink.py,
 * dns_server.py):
 * starts them in the server namespace, waits until they say READY, and reads back the JSON lines
 * they log. Owned by one {@link Lab}; its methods are synchronized because the lab's shutdown
 * hook may run on another thread.
 */
final class ToolServers {
    /** What a log holds; a port may have one log of each kind (a TCP and a UDP tool share 443). */
    enum Kind {
        REQUESTS("requests (recording_server.py or tls_server.py)"),
        HANDSHAKES("TLS handshakes (tls_server.py)"),
        DATAGRAMS("datagrams (udp_sink.py)"),
        TCP_SINK("connections (tcp_sink.py)");

        private final String what;

        Kind(String what) {
            this.what = what;
        }
    }

    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    /** How long a tool may run before it exits by itself: {@value} s, longer than any test class. */
    static final int MAX_SECONDS = 1800;

    private final Lab lab;
    private final Map<String, Path> logs = new TreeMap<>();

    ToolServers(Lab lab) {
        this.lab = lab;
    }

    /**
     * Starts {@code tool} in the server namespace with {@code --port PORT --max-seconds ...} and
     * {@code args} (a --bind among them overrides the default "::"), waits for READY, then registers {@code outputs} (the JSON-lines files it writes).
     */
    Process start(String tool, int port, Map<Kind, Path> outputs, String... args) {
        String name = tool.replace(".py", "").replace('_', '-');
        Path log = lab.workDir().resolve(name + "-" + port + ".log");
        List<String> cmd = new ArrayList<>(List.of("python3", lab.tool(tool).toString(),
                "--bind", "::", "--port", Integer.toString(port),
                "--max-seconds", Integer.toString(MAX_SECONDS)));
        cmd.addAll(List.of(args));
        Process p = lab.start(Node.SERVER, log, cmd.toArray(String[]::new));
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String out = Lab.readOrEmpty(log);
            if (out.contains("READY")) {
                synchronized (this) {
                    outputs.forEach((kind, path) -> logs.put(key(kind, port), path));
                }
                return p;
            }
            if (!p.isAlive()) {
                throw new AssertionError(tool + " on port " + port + " exited with "
                        + p.exitValue() + ":\n" + out);
            }
            Lab.sleep(Duration.ofMillis(20));
        }
        throw new AssertionError(tool + " on port " + port + " did not start within "
                + START_TIMEOUT.toSeconds() + " s:\n" + Lab.readOrEmpty(log));
    }

    /** The ports that have a log of this kind, in ascending order. */
    synchronized List<Integer> ports(Kind kind) {
        String prefix = kind.name() + ":";
        return logs.keySet().stream().filter(k -> k.startsWith(prefix))
                .map(k -> Integer.parseInt(k.substring(prefix.length()))).sorted().toList();
    }

    /** Every whole line logged so far, parsed; throws IllegalStateException if nothing logs it. */
    synchronized List<Map<String, Object>> lines(Kind kind, int port) {
        Path path = logs.get(key(kind, port));
        if (path == null) {
            throw new IllegalStateException("nothing that logs " + kind.what + " was started on port "
                    + port);
        }
        String text = Lab.readOrEmpty(path);
        // Only whole lines: the tool may be writing the next one right now.
        return text.substring(0, text.lastIndexOf('\n') + 1).lines().filter(l -> !l.isBlank())
                .map(Json::parseObject).toList();
    }

    private static String key(Kind kind, int port) {
        // Zero-padded, so the TreeMap keeps ports in numeric order.
        return kind.name() + ":" + String.format("%05d", port);
    }
}
