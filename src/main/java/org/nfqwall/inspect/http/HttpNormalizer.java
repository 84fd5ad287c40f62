package org.nfqwall.inspect.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Turns the host and path of a request into the one form that rules match, so that case, ports,
 * encodings and dot-segments cannot be used to slip past a rule. Static and pure; thread-safe.
 *
 * <h2>Host policy ({@link #normalizeHost})</h2>
 * <ol>
 *   <li>trim surrounding whitespace; empty is invalid;</li>
 *   <li>strip userinfo (everything up to the last '@');</li>
 *   <li>"[v6]" or "[v6]:port": the address inside the brackets in RFC 5952 form (lower-case,
 *       compressed, IPv4-mapped as "::ffff:a.b.c.d"), without brackets; a zone identifier or an
 *       unparsable address is invalid;</li>
 *   <li>otherwise strip ":port" (the port must be digits, possibly none); a second ':' is invalid;</li>
 *   <li>percent-decode as strict UTF-8 if a '%' is present (a bad escape or bad UTF-8 is invalid);</li>
 *   <li>lower-case with {@link Locale#ROOT}, then strip trailing dots;</li>
 *   <li>the result must be non-empty labels separated by single dots, made of ASCII letters,
 *       digits, '-', '_' or non-ASCII characters other than spaces and controls (IDNs are kept in
 *       Unicode, not converted to punycode); anything else (spaces, '/', '\', ',', '*', control
 *       characters...) is invalid.</li>
 * </ol>
 * An invalid host yields null.
 *
 * <h2>Path policy ({@link #normalizePath})</h2>
 * <ol>
 *   <li>percent-decode once as UTF-8 ("%2F" becomes '/', "%00" becomes U+0000, "%252e" becomes
 *       "%2e" and stays so); a '%' not followed by two hex digits is kept as it is; invalid UTF-8
 *       becomes U+FFFD;</li>
 *   <li>collapse repeated slashes;</li>
 *   <li>remove dot-segments (RFC 3986 5.2.4), so "/a/../b" is "/b" and "/a/./" is "/a/";</li>
 *   <li>an empty result becomes "/", and a result is always absolute (starts with '/').</li>
 * </ol>
 * Slashes are collapsed <em>before</em> dot-segments are removed, as nginx (merge_slashes), Go's
 * path.Clean and Tomcat do: "/x//../admin" then normalises to "/admin", which those servers serve.
 * Removing dot-segments first (plain RFC 3986) would give "/x/admin" and let that request past a
 * rule on "/admin". A server that keeps empty segments serves "/x/admin" instead; a rule then
 * matches more than it must, which errs on the safe side. Case is kept: paths are case-sensitive.
 */
public final class HttpNormalizer {
    private HttpNormalizer() {
    }

    /** Normalises a Host header value or URI authority as described above; null if empty/invalid. */
    public static String normalizeHost(String raw) {
        if (raw == null) {
            return null;
        }
        String s = raw.trim();
        s = s.substring(s.lastIndexOf('@') + 1);
        if (s.isEmpty()) {
            return null;
        }
        if (s.charAt(0) == '[') {
            int close = s.indexOf(']');
            if (close < 0 || !isPortSuffix(s, close + 1, true)) {
                return null;
            }
            return Ipv6Text.canonical(s.substring(1, close));
        }
        int colon = s.indexOf(':');
        if (colon >= 0) {
            if (!isPortSuffix(s, colon, false)) {
                return null;
            }
            s = s.substring(0, colon);
        }
        if (s.indexOf('%') >= 0) {
            s = percentDecodeStrict(s);
            if (s == null) {
                return null;
            }
        }
        s = s.toLowerCase(Locale.ROOT);
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '.') {
            end--;
        }
        s = s.substring(0, end);
        return isValidName(s) ? s : null;
    }

    /**
     * Normalises a raw request path (without query or fragment) as described above.
     */
    public static String normalizePath(String rawPath) {
        String decoded = percentDecodeLenient(rawPath == null ? "" : rawPath);
        String path = removeDotSegments(collapseSlashes(decoded));
        if (path.isEmpty() || path.charAt(0) != '/') {
            path = "/" + path;
        }
        return path;
    }

    /** True if s[from..] is empty (when optional) or ":" followed by digits only. */
    private static boolean isPortSuffix(String s, int from, boolean optional) {
        if (from == s.length()) {
            return optional;
        }
        if (s.charAt(from) != ':') {
            return false;
        }
        for (int i = from + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isValidName(String s) {
        if (s.isEmpty()) {
            return false;
        }
        char previous = '.';
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                if (previous == '.') {
                    return false; // empty label
                }
            } else if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c >= 0xA0 && !Character.isSpaceChar(c) && !Character.isISOControl(c))) {
                return false;
            }
            previous = c;
        }
        return true;
    }

    private static String percentDecodeStrict(String s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                int hi = i + 2 < s.length() ? Ipv6Text.hexValue(s.charAt(i + 1)) : -1;
                int lo = hi >= 0 ? Ipv6Text.hexValue(s.charAt(i + 2)) : -1;
                if (lo < 0) {
                    return null;
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                return null; // non-ASCII mixed with escapes: not a host anyone sends
            }
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()));
            return chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Decodes %XX once; other characters are taken as their UTF-8 bytes; bad UTF-8 -> U+FFFD. */
    private static String percentDecodeLenient(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int hi = c == '%' && i + 2 < s.length() ? Ipv6Text.hexValue(s.charAt(i + 1)) : -1;
            int lo = hi >= 0 ? Ipv6Text.hexValue(s.charAt(i + 2)) : -1;
            if (lo >= 0) {
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                int cp = s.codePointAt(i);
                byte[] utf8 = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
                i += Character.charCount(cp) - 1;
            }
        }
        return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
    }

    private static String collapseSlashes(String s) {
        if (!s.contains("//")) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '/' || out.length() == 0 || out.charAt(out.length() - 1) != '/') {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** RFC 3986 5.2.4 remove_dot_segments, rules A to E, over an index into the input. */
    static String removeDotSegments(String in) {
        if (!in.contains(".")) {
            return in;
        }
        StringBuilder out = new StringBuilder(in.length());
        int n = in.length();
        int i = 0;
        while (i < n) {
            if (in.startsWith("../", i)) {                              // A
                i += 3;
            } else if (in.startsWith("./", i)) {                        // A
                i += 2;
            } else if (in.startsWith("/./", i)) {                       // B: "/./" -> "/"
                i += 2;
            } else if (i + 2 == n && in.startsWith("/.", i)) {          // B: final "/." -> "/"
                out.append('/');
                i = n;
            } else if (in.startsWith("/../", i)) {                      // C: "/../" -> "/"
                i += 3;
                removeLastSegment(out);
            } else if (i + 3 == n && in.startsWith("/..", i)) {         // C: final "/.." -> "/"
                removeLastSegment(out);
                out.append('/');
                i = n;
            } else if (i + 1 == n && in.charAt(i) == '.'
                    || i + 2 == n && in.startsWith("..", i)) {          // D
                i = n;
            } else {                                                    // E
                int next = in.indexOf('/', in.charAt(i) == '/' ? i + 1 : i);
                if (next < 0) {
                    next = n;
                }
                out.append(in, i, next);
                i = next;
            }
        }
        return out.toString();
    }

    private static void removeLastSegment(StringBuilder out) {
        int slash = out.lastIndexOf("/");
        out.setLength(Math.max(slash, 0));
    }
}
