package org.nfqwall.inspect.http;

/**
 * Splits a request-target (RFC 9112 3.2) into normalised host, path and raw query, by its form:
 * <pre>
 *   origin-form     /path?query                   -> path, query
 *   absolute-form   scheme://authority/path?query -> targetHost, path ("/" if empty), query
 *   authority-form  host:port          (CONNECT)  -> targetHost; path and query null
 *   asterisk-form   *                  (OPTIONS)  -> path "*"
 * </pre>
 * A fragment, which clients must not send, is cut off. Static and pure.
 */
final class RequestTargets {
    private RequestTargets() {
    }

    /**
     * Fills the target parts of {@code out}; returns false when the target does not fit its
     * method (authority-form is for CONNECT only and CONNECT needs it, "*" is for OPTIONS only),
     * or its host is invalid, or an absolute-form target lacks "scheme://authority".
     */
    static boolean split(String method, String target, HttpRequestHead out) {
        if ("CONNECT".equals(method)) {
            return authorityForm(target, out);
        }
        if (target.equals("*")) {
            out.targetParts(null, "*", null);
            return "OPTIONS".equals(method);
        }
        if (target.startsWith("/")) {
            pathAndQuery(target, 0, null, out);
            return true;
        }
        return absoluteForm(target, out);
    }

    /*
     *   authority-form = uri-host ":" port          (RFC 9112 3.2.3; no userinfo, port required)
     */
    private static boolean authorityForm(String target, HttpRequestHead out) {
        int colon = target.lastIndexOf(':');
        if (colon <= 0 || colon == target.length() - 1 || target.indexOf('@') >= 0 || target.indexOf('/') >= 0
                || target.charAt(0) == '[' && target.charAt(colon - 1) != ']') {
            return false;
        }
        String host = HttpNormalizer.normalizeHost(target);
        out.targetParts(host, null, null);
        return host != null;
    }

    /*
     *   absolute-form = scheme "://" authority path-abempty [ "?" query ]     (RFC 3986 3)
     *   scheme        = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
     */
    private static boolean absoluteForm(String target, HttpRequestHead out) {
        int i = 0;
        while (i < target.length() && isSchemeChar(target.charAt(i), i == 0)) {
            i++;
        }
        if (i == 0 || !target.startsWith("://", i)) {
            return false;
        }
        int authorityStart = i + 3;
        int authorityEnd = authorityStart;
        while (authorityEnd < target.length() && "/?#".indexOf(target.charAt(authorityEnd)) < 0) {
            authorityEnd++;
        }
        String host = HttpNormalizer.normalizeHost(target.substring(authorityStart, authorityEnd));
        if (host == null) {
            return false;
        }
        pathAndQuery(target, authorityEnd, host, out);
        return true;
    }

    private static void pathAndQuery(String target, int from, String host, HttpRequestHead out) {
        int end = target.indexOf('#', from);
        if (end < 0) {
            end = target.length();
        }
        int question = target.indexOf('?', from);
        String query = null;
        int pathEnd = end;
        if (question >= 0 && question < end) {
            query = target.substring(question + 1, end);
            pathEnd = question;
        }
        out.targetParts(host, HttpNormalizer.normalizePath(target.substring(from, pathEnd)), query);
    }

    private static boolean isSchemeChar(char c, boolean first) {
        boolean alpha = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
        return first ? alpha : alpha || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.';
    }
}
