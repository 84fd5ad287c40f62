package org.nfqwall.rules;

import java.util.Locale;

/**
 * The one canonical text form of a host that rules and facts share, so that a rule's
 * {@code host:} compares with plain string equality: ASCII lower case, no port, no trailing dot;
 * IPv4 literals in dotted decimal; IPv6 literals without brackets in the RFC 5952 form
 * ({@code 2001:db8::1}, {@code ::ffff:192.0.2.1}).
 *
 * <p>{@link #normalise} is the one normaliser of the hosts a request names; the rules loader
 * uses the same canonical form for the hosts a rule names. Stateless; safe from any thread.
 * {@link #normalise} allocates and is meant for the decision on a request head, not per packet.
 */
public final class HostNames {
    /** Longest host name accepted: {@value} characters (RFC 1035 section 2.3.4, without the root dot). */
    public static final int MAX_NAME_LENGTH = 253;
    /** Longest label accepted: {@value} characters (RFC 1035 section 2.3.4). */
    public static final int MAX_LABEL_LENGTH = 63;

    private HostNames() {
    }

    /**
     * Canonical form of a host as a request names it, with an optional port: a Host header value,
     * or the authority of an absolute-form or CONNECT target with its userinfo removed
     * ({@code Example.COM.:8080}, {@code [FD00::1]:80}). This is the one host normaliser: the
     * engine puts its result into {@link Facts#hosts}, so a request's host compares with a rule's
     * by plain equality. The policy:
     * <ol>
     *   <li>surrounding whitespace is trimmed; empty text is invalid;</li>
     *   <li>{@code [v6]} or {@code [v6]:port}: the IPv6 address inside the brackets, in RFC 5952
     *       form; a zone id ({@code %25eth0}) or text after {@code ]} other than a port is
     *       invalid;</li>
     *   <li>otherwise a single ':' starts the port, which must be digits (possibly none); text
     *       with two or more ':' is read as an IPv6 address without brackets;</li>
     *   <li>a name is percent-decoded once ({@code ex%61mple.com} is {@code example.com}, as an
     *       RFC 3986 URI parser reads it); an escape that is not {@code %XX} or that is not ASCII
     *       is invalid;</li>
     *   <li>all trailing dots are removed ({@code example.com..} is {@code example.com}), so
     *       repeating them cannot slip a name past its rule;</li>
     *   <li>the rest must be an IPv4 literal or a name of ASCII letters, digits, '-' and '_' in
     *       labels of 1..{@value #MAX_LABEL_LENGTH} characters; it is lower-cased. Non-ASCII names
     *       are invalid: rules hold them in their punycode ({@code xn--}) form, which is what
     *       clients send.</li>
     * </ol>
     *
     * @return the canonical host, or null when the text is null or not a valid host name or IP
     *     literal (with an optional port)
     */
    public static String normalise(String hostAndPort) {
        if (hostAndPort == null) {
            return null;
        }
        String host = hostAndPort.trim();
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0 || !isPortSuffix(host, close + 1)) {
                return null;
            }
            host = host.substring(0, close + 1);
        } else {
            int colon = host.indexOf(':');
            boolean twoColons = colon >= 0 && host.indexOf(':', colon + 1) >= 0;
            if (!twoColons) {
                if (colon >= 0) {
                    if (!isPortSuffix(host, colon)) {
                        return null;
                    }
                    host = host.substring(0, colon);
                }
                host = withoutTrailingDots(percentDecoded(host));
                if (host == null) {
                    return null;
                }
            }
        }
        try {
            return canonical(host);
        } catch (BadValueException e) {
            return null;
        }
    }

    /** True if {@code s} ends at {@code from}, or continues with ':' and digits only. */
    private static boolean isPortSuffix(String s, int from) {
        if (from == s.length()) {
            return true;
        }
        if (s.charAt(from) != ':') {
            return false;
        }
        for (int i = from + 1; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** {@code %XX} escapes decoded once; null on a broken escape or one above 0x7F. */
    private static String percentDecoded(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            int hi = i + 2 < s.length() ? Addresses.hexValue(s.charAt(i + 1)) : -1;
            int lo = hi >= 0 ? Addresses.hexValue(s.charAt(i + 2)) : -1;
            if (lo < 0 || hi > 7) {
                return null;
            }
            out.append((char) (hi << 4 | lo));
            i += 2;
        }
        return out.toString();
    }

    private static String withoutTrailingDots(String s) {
        if (s == null) {
            return null;
        }
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '.') {
            end--;
        }
        return s.substring(0, end);
    }

    /**
     * Canonical form of a host without port; brackets around IPv6 are optional.
     *
     * @throws BadValueException saying what is wrong and what is expected
     */
    static String canonical(String host) throws BadValueException {
        if (host.isEmpty()) {
            throw new BadValueException("empty host, expected a name like www.example.com or an IP address");
        }
        if (host.startsWith("[")) {
            if (!host.endsWith("]") || host.length() < 3) {
                throw new BadValueException("unclosed \"[\", expected an IPv6 address in brackets like [fd00::1]");
            }
            long[] v6 = Addresses.parseIpv6(host.substring(1, host.length() - 1));
            return Addresses.formatIpv6(v6[0], v6[1]);
        }
        int colon = host.indexOf(':');
        if (colon >= 0) {
            if (host.indexOf(':', colon + 1) < 0) {
                throw new BadValueException("a port is not part of a host, expected the host alone (match ports with dport)");
            }
            long[] v6 = Addresses.parseIpv6(host);
            return Addresses.formatIpv6(v6[0], v6[1]);
        }
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (name.isEmpty()) {
            throw new BadValueException("empty host, expected a name like www.example.com or an IP address");
        }
        int lastDot = name.lastIndexOf('.');
        if (Addresses.looksLikeIpv4(name.substring(lastDot + 1)) && lastDot + 1 < name.length()) {
            // A numeric last label is never a DNS name (RFC 3696 section 2): it must be an IPv4 literal.
            return Addresses.formatIpv4(Addresses.parseIpv4(name));
        }
        return checkName(name);
    }

    /** Validates labels and returns the name in ASCII lower case. */
    static String checkName(String name) throws BadValueException {
        if (name.length() > MAX_NAME_LENGTH) {
            throw new BadValueException("name is " + name.length() + " characters long, expected at most "
                    + MAX_NAME_LENGTH);
        }
        // Most names arrive in lower case already: they are returned as they are, not copied.
        boolean upper = false;
        int labelStart = 0;
        for (int i = 0; i <= name.length(); i++) {
            if (i == name.length() || name.charAt(i) == '.') {
                int len = i - labelStart;
                if (len == 0) {
                    throw new BadValueException("empty label between dots, expected labels of 1.."
                            + MAX_LABEL_LENGTH + " characters");
                }
                if (len > MAX_LABEL_LENGTH) {
                    throw new BadValueException("label \"" + name.substring(labelStart, i) + "\" is " + len
                            + " characters long, expected at most " + MAX_LABEL_LENGTH);
                }
                labelStart = i + 1;
                continue;
            }
            char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                upper = true;
            } else if (c > 0x7E) {
                throw new BadValueException("non-ASCII character " + YamlValues.quote(String.valueOf(c))
                        + ", expected the ASCII (punycode, xn--...) form of the name");
            } else if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                throw new BadValueException("character " + YamlValues.quote(String.valueOf(c))
                        + " is not allowed, expected letters, digits, '-', '_' and dots");
            }
        }
        return upper ? name.toLowerCase(Locale.ROOT) : name;
    }

    /** The lower-cased name when it is a valid DNS-style name (not an IP literal), else null. */
    static String checkNameOrNull(String name) {
        if (name.indexOf(':') >= 0 || name.startsWith("[")) {
            return null;
        }
        int lastDot = name.lastIndexOf('.');
        if (Addresses.looksLikeIpv4(name.substring(lastDot + 1))) {
            return null;
        }
        try {
            return checkName(name);
        } catch (BadValueException e) {
            return null;
        }
    }
}
