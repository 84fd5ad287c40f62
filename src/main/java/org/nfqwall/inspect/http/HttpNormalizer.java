package org.nfqwall.inspect.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns the path of a request into the one form that rules match, so that encodings, repeated
 * slashes and dot-segments cannot be used to slip past a rule. Hosts are not normalised here:
 * the request head carries them raw and the engine normalises them with the rules' own host
 * normaliser, so a request's host and a rule's host have one canonical form. Static and pure;
 * thread-safe.
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

    /** Decodes %XX once; other characters are taken as their UTF-8 bytes; bad UTF-8 -> U+FFFD. */
    private static String percentDecodeLenient(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int hi = c == '%' && i + 2 < s.length() ? hexValue(s.charAt(i + 1)) : -1;
            int lo = hi >= 0 ? hexValue(s.charAt(i + 2)) : -1;
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

    /** ASCII hex digit value, or -1 ({@code Character.digit} alone would also take non-ASCII digits). */
    static int hexValue(char c) {
        return c < 0x80 ? Character.digit(c, 16) : -1;
    }
}
