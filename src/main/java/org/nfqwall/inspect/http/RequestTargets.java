package org.nfqwall.inspect.http;

/**
 * Splits a request-target (RFC 9112 3.2) into raw host, normalised path and raw query, by its form:
 * <pre>
 *   origin-form     /path?query                   -> path, query
 *   absolute-form   scheme://authority/path?query -> targetHost, path ("/" if empty), query
 *   authority-form  host:port          (CONNECT)  -> targetHost; path and query null
 *   asterisk-form   *                  (OPTIONS)  -> path "*"
 * </pre>
 * The target host is the authority without userinfo, port still attached; the engine normalises
 * and judges it. A fragment, which clients must not send, is cut off. Static and pure.
 */
final class RequestTargets {
    private RequestTargets() {
    }

    /**
     * Fills the target parts of {@code out}; returns false when the target does not fit its
     * method (authority-form is for CONNECT only and CONNECT needs it, "*" is for OPTIONS only),
     * or an absolute-form target lacks "scheme://" or a host in its authority.
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
                || target.charAt(0) == '[' && target.charAt(colon - 1) != ']' || isBareIpv6(target)) {
            return false;
        }
        out.targetParts(target, null, null);
        return true;
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
        // authority = [ userinfo "@" ] host [ ":" port ]; userinfo names no server, so it goes.
        int hostStart = Math.max(authorityStart, target.lastIndexOf('@', authorityEnd - 1) + 1);
        String host = target.substring(hostStart, authorityEnd);
        if (host.isEmpty() || isBareIpv6(host)) {
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

    /**
     * True for a host with two or more ':' outside brackets. An IPv6 host must be in brackets
     * (RFC 3986 3.2.2), else "::1:443" could be read as ::1 port 443 or as ::1:443 without one.
     */
    private static boolean isBareIpv6(String hostAndPort) {
        return hostAndPort.charAt(0) != '[' && hostAndPort.indexOf(':') != hostAndPort.lastIndexOf(':');
    }

    private static boolean isSchemeChar(char c, boolean first) {
        boolean alpha = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
        return first ? alpha : alpha || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.';
    }
}
