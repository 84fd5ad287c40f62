package org.nfqwall.lab;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One run of split_client.py: request bytes sent in pieces, each its own TCP segment, optionally
 * waiting for a response between requests on the same connection. Built by
 * {@link Lab#splitClient(String, int)}, then {@link #run()}; one thread, one run.
 *
 * <pre>
 * SplitResult r = lab.splitClient(Lab.SERVER_V4, 80)
 *         .piece("GET /AP").piece("P2/x HTTP/1.1\r\nHost: www.exa").piece("mple.com\r\n\r\n")
 *         .run();
 * </pre>
 */
public final class SplitClient {
    private final Lab lab;
    private final String address;
    private final int port;
    private final List<String> steps = new ArrayList<>();
    private Node from = Node.CLIENT;
    private Duration timeout = Duration.ofSeconds(3);
    private Duration gap = Duration.ofMillis(50);
    private int awaits;
    private int pieces;

    SplitClient(Lab lab, String address, int port) {
        this.lab = lab;
        this.address = address;
        this.port = port;
    }

    /** Sends these characters (ISO-8859-1, so each char is one byte) as one segment. */
    public SplitClient piece(String text) {
        return piece(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Sends these bytes as one segment. */
    public SplitClient piece(byte[] bytes) {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("a piece must not be empty");
        }
        steps.add("--piece-hex");
        steps.add(HexFormat.of().formatHex(bytes));
        pieces++;
        return this;
    }

    /** Sends a whole request cut into {@code count} pieces of about equal size. */
    public SplitClient request(String text, int count) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        int n = Math.max(1, Math.min(count, bytes.length));
        int start = 0;
        for (int i = 0; i < n; i++) {
            int end = start + bytes.length / n + (i < bytes.length % n ? 1 : 0);
            piece(java.util.Arrays.copyOfRange(bytes, start, end));
            start = end;
        }
        return this;
    }

    /** Waits for one more complete response before the next step. */
    public SplitClient awaitResponse() {
        steps.add("--await");
        awaits++;
        return this;
    }

    /** How long to wait to connect, for each awaited response and for the end (default 3 s). */
    public SplitClient timeout(Duration value) {
        timeout = value;
        return this;
    }

    /** The pause between pieces (default 50 ms). */
    public SplitClient gap(Duration value) {
        gap = value;
        return this;
    }

    /** The node to connect from (default the client). */
    public SplitClient from(Node node) {
        from = node;
        return this;
    }

    /** Runs the client and returns its summary; throws an AssertionError if it failed to run. */
    public SplitResult run() {
        List<String> cmd = new ArrayList<>(List.of("python3", lab.tool("split_client.py").toString(),
                "--host", address, "--port", Integer.toString(port),
                "--timeout", Double.toString(timeout.toMillis() / 1000.0),
                "--gap-ms", Long.toString(gap.toMillis())));
        cmd.addAll(steps);
        // connect + each awaited response + the end, each bounded by timeout; plus the gaps.
        Duration bound = timeout.multipliedBy(awaits + 2L).plus(gap.multipliedBy(pieces))
                .plusSeconds(5);
        ExecResult result = lab.exec(from, bound, cmd.toArray(String[]::new)).requireOk();
        try {
            return SplitResult.fromJson(result.stdout());
        } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
            throw new AssertionError("split_client.py printed no summary: " + result.describe(), e);
        }
    }
}
