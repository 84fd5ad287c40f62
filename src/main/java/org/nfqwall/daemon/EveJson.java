package org.nfqwall.daemon;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.nfqwall.control.Json;
import org.nfqwall.engine.Steered;
import org.nfqwall.rules.Addresses;
import org.nfqwall.rules.Facts;
import org.nfqwall.rules.Protocol;
import org.nfqwall.rules.Rule;
import org.nfqwall.rules.Verdict;

/**
 * Formats decision-log lines as JSON shaped like Suricata's EVE, so that jq, Filebeat and Loki
 * take them as they are:
 *
 * <pre>
 * {"timestamp":"2026-11-23T18:30:00.123456+0000","event_type":"nfqwall","src_ip":"10.99.1.2",
 *  "src_port":40000,"dest_ip":"10.99.2.2","dest_port":80,"proto":"TCP","app_proto":"http",
 *  "nfqwall":{"action":"drop","rule":"app2","rule_line":14,"mark":null},
 *  "http":{"hostname":"www.example.com","url":"/APP2/x","http_method":"GET"}}
 * </pre>
 *
 * (one line in the log). The common part uses EVE's names ({@code timestamp} in UTC with
 * microseconds, {@code event_type}, {@code src_ip}, {@code src_port}, {@code dest_ip},
 * {@code dest_port}, {@code proto}, {@code app_proto}); {@code http} uses EVE's
 * {@code hostname}, {@code url}, {@code http_method}; {@code tls} and {@code quic} use
 * {@code sni} and {@code client_alpns}. Strings are escaped so that any host or path bytes give
 * valid JSON and valid UTF-8. Stateless; any thread.
 */
public final class EveJson {
    /** EVE's timestamp: local date-time with microseconds and a {@code +hhmm} offset (always UTC here). */
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSZ").withZone(ZoneOffset.UTC);

    private EveJson() {
    }

    /** The line for one decision; {@code rule} null means the rules file's default decided. */
    public static String decision(Instant time, Facts f, Rule rule, Verdict verdict, int mark) {
        return decision(time, f, rule, verdict, mark, Steered.NONE);
    }

    /**
     * The line for one decision by a rule whose mark routes or steers: {@code nfqwall.steer} is
     * {@code "now"} (the mark is on the connection) or {@code "next"} (the live connection goes on
     * unmarked; its server address is in the mark's set for the next ones); absent for
     * {@link Steered#NONE}.
     */
    public static String decision(Instant time, Facts f, Rule rule, Verdict verdict, int mark, Steered steered) {
        StringBuilder sb = new StringBuilder(320);
        header(sb, time, "nfqwall");
        sb.append(",\"src_ip\":");
        string(sb, Addresses.format(f.srcHi, f.srcLo));
        sb.append(",\"src_port\":").append(f.srcPort);
        sb.append(",\"dest_ip\":");
        string(sb, Addresses.format(f.dstHi, f.dstLo));
        sb.append(",\"dest_port\":").append(f.dstPort);
        sb.append(",\"proto\":");
        string(sb, f.l4Protocol == 6 ? "TCP" : f.l4Protocol == 17 ? "UDP" : String.valueOf(f.l4Protocol));
        if (f.applicationKnown) {
            sb.append(",\"app_proto\":");
            string(sb, f.protocol.label());
        }
        sb.append(",\"nfqwall\":{\"action\":");
        string(sb, verdict.label());
        sb.append(",\"rule\":");
        if (rule != null) {
            string(sb, rule.name());
            sb.append(",\"rule_line\":").append(rule.line());
        } else {
            sb.append("null,\"rule_line\":null");
        }
        sb.append(",\"mark\":");
        if (verdict == Verdict.MARK) {
            sb.append(mark & 0xFFFFFFFFL);
        } else {
            sb.append("null");
        }
        if (steered.label() != null) {
            sb.append(",\"steer\":\"").append(steered.label()).append('"');
        }
        if (f.applicationKnown && f.hostCount > 1) {
            // Host header and absolute-form target disagree: both were matched, so show both.
            sb.append(",\"hosts\":");
            stringArray(sb, f.hosts, f.hostCount);
        }
        sb.append('}');
        if (f.applicationKnown) {
            application(sb, f);
        }
        return sb.append('}').toString();
    }

    private static void application(StringBuilder sb, Facts f) {
        if (f.protocol == Protocol.HTTP) {
            sb.append(",\"http\":{");
            int start = sb.length();
            if (f.hostCount > 0) {
                sb.append("\"hostname\":");
                string(sb, f.hosts[0]);
            }
            if (f.path != null) {
                comma(sb, start).append("\"url\":");
                string(sb, f.query == null ? f.path : f.path + "?" + f.query);
            }
            if (f.method != null) {
                comma(sb, start).append("\"http_method\":");
                string(sb, f.method);
            }
            sb.append('}');
        } else if (f.helloSeen && (f.protocol == Protocol.TLS || f.protocol == Protocol.QUIC)) {
            sb.append(f.protocol == Protocol.TLS ? ",\"tls\":{" : ",\"quic\":{");
            int start = sb.length();
            if (f.sniPresent && f.hostCount > 0) {
                sb.append("\"sni\":");
                string(sb, f.hosts[0]);
            }
            if (f.alpnCount > 0) {
                comma(sb, start).append("\"client_alpns\":");
                stringArray(sb, f.alpn, f.alpnCount);
            }
            if (f.ech) {
                comma(sb, start).append("\"ech\":true");
            }
            sb.append('}');
        }
    }

    /** {@code {"timestamp":"...","event_type":"nfqwall_stats","suppressed":N}}: lines not written. */
    public static String suppressed(Instant time, long lines) {
        StringBuilder sb = new StringBuilder(96);
        header(sb, time, "nfqwall_stats");
        return sb.append(",\"suppressed\":").append(lines).append('}').toString();
    }

    /** {@code {"timestamp":"...","event_type":"nfqwall_message","message":"..."}}: the daemon's own news. */
    public static String message(Instant time, String message) {
        StringBuilder sb = new StringBuilder(96 + message.length());
        header(sb, time, "nfqwall_message");
        sb.append(",\"message\":");
        string(sb, message);
        return sb.append('}').toString();
    }

    /** EVE's timestamp form of {@code time}, e.g. {@code 2026-11-23T18:30:00.123456+0000}. */
    public static String timestamp(Instant time) {
        return TIMESTAMP.format(time);
    }

    private static void header(StringBuilder sb, Instant time, String eventType) {
        sb.append("{\"timestamp\":\"").append(timestamp(time)).append("\",\"event_type\":\"").append(eventType).append('"');
    }

    private static StringBuilder comma(StringBuilder sb, int objectStart) {
        return sb.length() > objectStart ? sb.append(',') : sb;
    }

    private static void stringArray(StringBuilder sb, String[] values, int count) {
        sb.append('[');
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                sb.append(',');
            }
            string(sb, values[i]);
        }
        sb.append(']');
    }

    /** Appends {@code s} as a JSON string: {@link Json#appendString}, shared with the control protocol. */
    static void string(StringBuilder sb, String s) {
        Json.appendString(sb, s);
    }
}
