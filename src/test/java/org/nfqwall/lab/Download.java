package org.nfqwall.lab;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One curl download through the lab, for measurements: what arrived and how long it took.
 * Made by {@link Lab#download(Node, String, boolean)}.
 *
 * @param status the HTTP status code, 0 if no response came
 * @param bytes the body bytes received
 * @param seconds curl's total time, connect to last byte
 * @param curlExit curl's exit code (0 ok, 28 timed out, 35 TLS handshake failed, 56 reset, ...)
 * @param error curl's message when it failed, else ""
 */
public record Download(int status, long bytes, double seconds, int curlExit, String error) {

    /** Whether curl succeeded and the server answered 200. */
    public boolean ok() {
        return curlExit == 0 && status == 200;
    }

    /** Body bytes per second (0 if no time was measured). */
    public double bytesPerSecond() {
        return seconds > 0 ? bytes / seconds : 0;
    }

    /**
     * The curl command: {@code tls} makes the URL https (an http:// URL is refused as a
     * contradiction; a URL without a scheme gets one), -k so the lab's self-signed certificate is
     * accepted, and a name in the URL resolves to the server's address (--resolve) so the SNI
     * and Host header carry the name.
     */
    static List<String> command(String url, boolean tls, Duration timeout) {
        return command(url, tls, timeout, Lab.SERVER_V4);
    }

    /** Like {@link #command(String, boolean, Duration)}, a name in the URL resolving to {@code address}. */
    static List<String> command(String url, boolean tls, Duration timeout, String address) {
        String scheme = tls ? "https" : "http";
        String full = url.contains("://") ? url : scheme + "://" + url;
        URI uri = URI.create(full);
        if (!scheme.equals(uri.getScheme())) {
            throw new IllegalArgumentException("download(..., tls=" + tls + ") needs a " + scheme
                    + ":// URL, not " + url);
        }
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-g", "-o", "/dev/null",
                "--max-time", Long.toString(Math.max(1, timeout.toSeconds())),
                "-w", "%{http_code} %{size_download} %{time_total}"));
        if (tls) {
            cmd.add("-k");
        }
        String host = uri.getHost();
        if (host != null && !host.startsWith("[") && !host.matches("[0-9.]+")) {
            int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
            String resolved = address.contains(":") ? "[" + address + "]" : address;
            cmd.addAll(List.of("--resolve", host + ":" + port + ":" + resolved));
        }
        cmd.add(full);
        return cmd;
    }

    /** Reads curl's -w output ("200 20000000 0.123"). */
    static Download fromCurl(ExecResult curl) {
        String[] words = curl.stdout().strip().split(" ");
        if (words.length != 3) {
            throw new AssertionError("curl printed no summary: " + curl.describe());
        }
        return new Download(Integer.parseInt(words[0]), Long.parseLong(words[1]),
                Double.parseDouble(words[2]), curl.exitCode(), curl.stderr().strip());
    }
}
