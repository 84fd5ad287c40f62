package org.nfqwall.rules;

/**
 * The one canonical text form of a host that rules and facts share, so that a rule's
 * {@code host:} compares with plain string equality: ASCII lower case, no port, no trailing dot;
 * IPv4 literals in dotted decimal; IPv6 literals without brackets in the RFC 5952 form
 * ({@code 2001:db8::1}, {@code ::ffff:192.0.2.1}).
 *
 * <p>Stateless; safe from any thread. {@link #normalise} allocates and is meant for the
 * inspection step (once per request head), not per packet.
 */
public final class HostNames {
    /** Longest host name accepted: {@value} characters (RFC 1035 section 2.3.4, without the root dot). */
    public static final int MAX_NAME_LENGTH = 253;
    /** Longest label accepted: {@value} characters (RFC 1035 section 2.3.4). */
    public static final int MAX_LABEL_LENGTH = 63;

    private HostNames() {
    }

    /**
     * Canonical form of a Host header value or an absolute-form authority host, with an optional
     * port ({@code Example.COM.:8080}, {@code [FD00::1]:80}).
     *
     * @return the canonical host, or null when the text is not a valid host name or IP literal
     */
    public static String normalise(String hostAndPort) {
        if (hostAndPort == null) {
            return null;
        }
        String host = hostAndPort;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0 || close + 1 < host.length() && host.charAt(close + 1) != ':') {
                return null;
            }
            host = host.substring(0, close + 1);
        } else {
            int colon = host.indexOf(':');
            if (colon >= 0 && host.indexOf(':', colon + 1) < 0) {
                host = host.substring(0, colon);
            }
        }
        try {
            return canonical(host);
        } catch (BadValueException e) {
            return null;
        }
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
            long[] v6 = IpAddresses.parseIpv6(host.substring(1, host.length() - 1));
            return IpAddresses.formatIpv6(v6[0], v6[1]);
        }
        int colon = host.indexOf(':');
        if (colon >= 0) {
            if (host.indexOf(':', colon + 1) < 0) {
                throw new BadValueException("a port is not part of a host, expected the host alone (match ports with dport)");
            }
            long[] v6 = IpAddresses.parseIpv6(host);
            return IpAddresses.formatIpv6(v6[0], v6[1]);
        }
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (name.isEmpty()) {
            throw new BadValueException("empty host, expected a name like www.example.com or an IP address");
        }
        int lastDot = name.lastIndexOf('.');
        if (IpAddresses.looksLikeIpv4(name.substring(lastDot + 1)) && lastDot + 1 < name.length()) {
            // A numeric last label is never a DNS name (RFC 3696 section 2): it must be an IPv4 literal.
            return IpAddresses.formatIpv4(IpAddresses.parseIpv4(name));
        }
        return checkName(name);
    }

    /** Validates labels and returns the name in ASCII lower case. */
    static String checkName(String name) throws BadValueException {
        if (name.length() > MAX_NAME_LENGTH) {
            throw new BadValueException("name is " + name.length() + " characters long, expected at most "
                    + MAX_NAME_LENGTH);
        }
        char[] out = new char[name.length()];
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
                if (i < name.length()) {
                    out[i] = '.';
                }
                continue;
            }
            char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            } else if (c > 0x7E) {
                throw new BadValueException("non-ASCII character " + YamlValues.quote(String.valueOf(c))
                        + ", expected the ASCII (punycode, xn--...) form of the name");
            } else if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                throw new BadValueException("character " + YamlValues.quote(String.valueOf(c))
                        + " is not allowed, expected letters, digits, '-', '_' and dots");
            }
            out[i] = c;
        }
        return new String(out);
    }

    /** The lower-cased name when it is a valid DNS-style name (not an IP literal), else null. */
    static String checkNameOrNull(String name) {
        if (name.indexOf(':') >= 0 || name.startsWith("[")) {
            return null;
        }
        int lastDot = name.lastIndexOf('.');
        if (IpAddresses.looksLikeIpv4(name.substring(lastDot + 1))) {
            return null;
        }
        try {
            return checkName(name);
        } catch (BadValueException e) {
            return null;
        }
    }
}
