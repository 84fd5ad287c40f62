package org.nfqwall.lab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One run of tls_client.py: a real ClientHello (python's ssl) whose framing the test chooses,
 * then the rest of the handshake and one GET. Built by {@link Lab#tlsClient(String, int)}, then
 * {@link #run()}; one thread, one run.
 *
 * <pre>
 * TlsResult r = lab.tlsClient(Lab.SERVER_V4, 443).sni("www.example.com").alpn("h2", "http/1.1")
 *         .records(2).segments(3).run();
 * </pre>
 *
 * <p>Sizes: without padding the ClientHello is 512 bytes with TLS 1.3 (OpenSSL pads small hellos,
 * RFC 7685) and about 160-190 bytes with {@link #tlsMax12()}; {@link #padTo(int)} grows it with
 * extra ALPN names. The lab's client sends wire-sized segments, so a hello over 1448 bytes
 * crosses the firewall in several segments even with {@code segments(1)}.
 */
public final class TlsClient {
    /** Largest {@link #padTo(int)}: {@value} bytes (the ALPN extension must stay below 64 KiB). */
    public static final int MAX_PAD_TO = 60000;

    private final Lab lab;
    private final String address;
    private final int port;
    private Node from = Node.CLIENT;
    private String sni;
    private boolean sniSet;
    private final List<String> alpn = new ArrayList<>();
    private int segments = 1;
    private int records;
    private int padTo;
    private boolean tls12;
    private String path = "/";
    private Duration timeout = Duration.ofSeconds(3);
    private Duration gap = Duration.ofMillis(50);

    TlsClient(Lab lab, String address, int port) {
        this.lab = lab;
        this.address = address;
        this.port = port;
    }

    /** The server_name to send, or null to send none (default: none). An IP address is never sent. */
    public TlsClient sni(String name) {
        sni = name;
        sniSet = name != null;
        return this;
    }

    /** The ALPN protocols to offer, in order (default: none). */
    public TlsClient alpn(String... protocols) {
        alpn.clear();
        alpn.addAll(List.of(protocols));
        return this;
    }

    /** Sends the ClientHello bytes as this many TCP segments, {@link #gap} apart (default 1). */
    public TlsClient segments(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("segments must be >= 1, not " + count);
        }
        segments = count;
        return this;
    }

    /** Re-frames the ClientHello into this many TLS records (default: as OpenSSL framed it, one). */
    public TlsClient records(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("records must be >= 1, not " + count);
        }
        records = count;
        return this;
    }

    /** Grows the ClientHello handshake message to {@code bytes} (or one more) with padding ALPN names. */
    public TlsClient padTo(int bytes) {
        if (bytes < 0 || bytes > MAX_PAD_TO) {
            throw new IllegalArgumentException("padTo must be 0.." + MAX_PAD_TO + ", not " + bytes);
        }
        padTo = bytes;
        return this;
    }

    /** Offers TLS 1.2 at most (a ClientHello without TLS 1.3's key_share and supported_versions). */
    public TlsClient tlsMax12() {
        tls12 = true;
        return this;
    }

    /** The path of the GET sent after the handshake (default "/"). */
    public TlsClient path(String value) {
        path = value;
        return this;
    }

    /** How long to wait to connect, for the handshake and for the response (default 3 s). */
    public TlsClient timeout(Duration value) {
        timeout = value;
        return this;
    }

    /** The pause between segments (default 50 ms). */
    public TlsClient gap(Duration value) {
        gap = value;
        return this;
    }

    /** The node to connect from (default the client). */
    public TlsClient from(Node node) {
        from = node;
        return this;
    }

    /** Runs the client and returns its summary; throws an AssertionError if it failed to run. */
    public TlsResult run() {
        List<String> cmd = new ArrayList<>(List.of("python3", lab.tool("tls_client.py").toString(),
                "--host", address, "--port", Integer.toString(port),
                "--timeout", Double.toString(timeout.toMillis() / 1000.0),
                "--gap-ms", Long.toString(gap.toMillis()),
                "--segments", Integer.toString(segments), "--records", Integer.toString(records),
                "--pad-to", Integer.toString(padTo), "--path", path,
                "--tls-max", tls12 ? "1.2" : "1.3"));
        if (sniSet) {
            cmd.addAll(List.of("--sni", sni));
        } else {
            cmd.add("--no-sni");
        }
        if (!alpn.isEmpty()) {
            cmd.addAll(List.of("--alpn", String.join(",", alpn)));
        }
        // connect + handshake + response, each bounded by timeout; the gaps; building the hello.
        Duration bound = timeout.multipliedBy(3).plus(gap.multipliedBy(segments)).plusSeconds(10);
        ExecResult result = lab.exec(from, bound, cmd.toArray(String[]::new)).requireOk();
        try {
            return TlsResult.fromJson(result.stdout());
        } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
            throw new AssertionError("tls_client.py printed no summary: " + result.describe(), e);
        }
    }
}
