package org.nfqwall.daemon;

import java.time.Instant;
import org.nfqwall.engine.Steered;
import org.nfqwall.rules.Addresses;
import org.nfqwall.rules.Facts;
import org.nfqwall.rules.Rule;
import org.nfqwall.rules.Verdict;

/**
 * Formats decision-log lines for people ({@code --log-format text}), e.g.
 * {@code 2026-11-23T18:30:00.123Z DROP tcp 10.99.1.2:40000 -> 10.99.2.2:80 proto=http host=www.example.com method=GET path=/APP2/x rule=app2 line=14}.
 *
 * <p>Values come from the network, so anything that could forge a line or split a field
 * (control characters, space, backslash, DEL, a lone surrogate) is written as {@code \xNN} or
 * {@code \\uNNNN}. Stateless; any thread.
 */
public final class TextLine {
    private TextLine() {
    }

    /** The line for one decision; {@code rule} null means the rules file's default decided. */
    public static String decision(Instant time, Facts f, Rule rule, Verdict verdict, int mark) {
        return decision(time, f, rule, verdict, mark, Steered.NONE);
    }

    /** As {@link #decision(Instant, Facts, Rule, Verdict, int)}, ending in {@code steer=now} or {@code steer=next} for a routing or steering mark. */
    public static String decision(Instant time, Facts f, Rule rule, Verdict verdict, int mark, Steered steered) {
        StringBuilder sb = new StringBuilder(160);
        sb.append(time).append(' ').append(verdict.name());
        if (verdict == Verdict.MARK) {
            sb.append("(0x").append(Integer.toHexString(mark)).append(')');
        }
        sb.append(' ').append(f.l4Protocol == 6 ? "tcp" : f.l4Protocol == 17 ? "udp" : String.valueOf(f.l4Protocol));
        appendEndpoint(sb.append(' '), f.srcHi, f.srcLo, f.srcPort);
        appendEndpoint(sb.append(" -> "), f.dstHi, f.dstLo, f.dstPort);
        if (f.applicationKnown) {
            sb.append(" proto=").append(f.protocol.label());
        }
        for (int i = 0; i < f.hostCount; i++) {
            value(sb.append(" host="), f.hosts[i]);
        }
        if (f.method != null) {
            value(sb.append(" method="), f.method);
        }
        if (f.path != null) {
            value(sb.append(" path="), f.path);
        }
        if (rule != null) {
            sb.append(" rule=").append(rule.name()).append(" line=").append(rule.line());
        } else {
            sb.append(" rule=(default)");
        }
        if (steered.label() != null) {
            sb.append(" steer=").append(steered.label());
        }
        return sb.toString();
    }

    /** The line saying {@code lines} decision lines were not written. */
    public static String suppressed(Instant time, long lines) {
        return time + " nfqwall: " + lines + " log lines suppressed (rate limit or full queue)";
    }

    /** A line of the daemon's own: start, reload, stop. */
    public static String message(Instant time, String message) {
        return time + " " + message;
    }

    private static void appendEndpoint(StringBuilder sb, long hi, long lo, int port) {
        String address = Addresses.format(hi, lo);
        if (address.indexOf(':') < 0) {
            sb.append(address).append(':').append(port);
        } else {
            sb.append('[').append(address).append("]:").append(port);
        }
    }

    static void value(StringBuilder sb, String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c == 0x7F || c == '\\') {
                sb.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                sb.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c) || c == '\u2028' || c == '\u2029') {
                sb.append("\\u").append(Integer.toHexString(c));
            } else {
                sb.append(c);
            }
        }
    }
}
