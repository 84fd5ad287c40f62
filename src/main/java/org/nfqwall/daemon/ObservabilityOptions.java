package org.nfqwall.daemon;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

/**
 * What {@code nfqwall run} was told about its decision log and metrics.
 *
 * @param logFile decisions are appended here (reopened on SIGHUP); null: standard output
 * @param logFormat JSON (EVE-like) or text
 * @param logAll log default accepts too
 * @param logRatePerSecond most decision lines a second (token bucket); 0: no limit
 * @param metricsAddress where to serve Prometheus metrics; null: no metrics
 */
public record ObservabilityOptions(Path logFile, LogFormat logFormat, boolean logAll, int logRatePerSecond,
        InetSocketAddress metricsAddress) {
    /** Decision lines a second by default: {@value}. */
    public static final int DEFAULT_LOG_RATE = 1000;
    /** Largest {@code --log-rate}: {@value} lines a second (more is no limit worth having). */
    public static final int MAX_LOG_RATE = 1_000_000;

    public ObservabilityOptions {
        if (logFormat == null) {
            throw new IllegalArgumentException("a log format is required");
        }
        if (logRatePerSecond < 0 || logRatePerSecond > MAX_LOG_RATE) {
            throw new IllegalArgumentException("--log-rate must be 0 (no limit) to " + MAX_LOG_RATE + ", got "
                    + logRatePerSecond);
        }
    }

    /** JSON to standard output, {@value #DEFAULT_LOG_RATE} lines a second, no metrics. */
    public static ObservabilityOptions defaults() {
        return new ObservabilityOptions(null, LogFormat.JSON, false, DEFAULT_LOG_RATE, null);
    }

    /**
     * Reads {@code HOST:PORT} ({@code 127.0.0.1:9469}, {@code [::1]:9469}, {@code localhost:9469});
     * port 0 picks a free port.
     *
     * @throws IllegalArgumentException saying what is wrong and what is expected
     */
    public static InetSocketAddress parseAddress(String text) {
        String expected = "expected HOST:PORT such as 127.0.0.1:9469 or [::1]:9469";
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("--metrics \"" + text + "\": " + expected);
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("--metrics \"" + text + "\": an IPv6 address needs brackets; " + expected);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--metrics \"" + text + "\": the port must be 0..65535; " + expected);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--metrics \"" + text + "\": unknown host " + host + "; " + expected);
        }
    }
}
