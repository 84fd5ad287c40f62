package org.nfqwall.inspect.http;

/**
 * Parses an IPv6 address literal (RFC 4291 2.2) and writes it in the RFC 5952 canonical text form.
 * Pure and static.
 */
final class Ipv6Text {
    private static final int GROUPS = 8;

    private Ipv6Text() {
    }

    /**
     * Returns the RFC 5952 form of {@code text} (lower-case hex, no leading zeros, the longest run
     * of two or more zero groups, the first on a tie, written "::"; IPv4-mapped addresses as
     * "::ffff:a.b.c.d"), or null if {@code text} is not an IPv6 address. Zone identifiers are
     * rejected: they mean nothing to the server receiving the request.
     */
    static String canonical(String text) {
        int[] groups = parse(text);
        return groups == null ? null : format(groups);
    }

    /*
     *   IPv6address = 6( h16 ":" ) ls32 / "::" 5( h16 ":" ) ls32 / ... / [ *6( h16 ":" ) h16 ] "::"
     *   ls32 = ( h16 ":" h16 ) / IPv4address          h16 = 1*4HEXDIG         (RFC 3986 3.2.2)
     */
    static int[] parse(String s) {
        int len = s.length();
        if (len < 2) {
            return null;
        }
        int[] groups = new int[GROUPS];
        int count = 0;
        int gapAt = -1;
        int i = 0;
        if (s.charAt(0) == ':') {
            if (s.charAt(1) != ':') {
                return null;
            }
            gapAt = 0;
            i = 2;
        }
        while (i < len) {
            int start = i;
            int value = 0;
            while (i < len && hexValue(s.charAt(i)) >= 0 && i - start < 5) {
                value = value * 16 + hexValue(s.charAt(i));
                i++;
            }
            if (i < len && s.charAt(i) == '.') {
                // The embedded IPv4 address must be the last 32 bits.
                long v4 = parseIpv4(s, start, len);
                if (v4 < 0 || count > GROUPS - 2) {
                    return null;
                }
                groups[count++] = (int) (v4 >>> 16);
                groups[count++] = (int) (v4 & 0xffff);
                i = len;
                break;
            }
            int digits = i - start;
            if (digits == 0 || digits > 4 || count == GROUPS) {
                return null;
            }
            groups[count++] = value;
            if (i == len) {
                break;
            }
            if (s.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < len && s.charAt(i) == ':') {
                if (gapAt >= 0) {
                    return null;
                }
                gapAt = count;
                i++;
            } else if (i == len) {
                return null;
            }
        }
        if (gapAt < 0) {
            return count == GROUPS ? groups : null;
        }
        if (count == GROUPS) {
            return null;
        }
        int moved = count - gapAt;
        System.arraycopy(groups, gapAt, groups, GROUPS - moved, moved);
        java.util.Arrays.fill(groups, gapAt, GROUPS - moved, 0);
        return groups;
    }

    /** Dotted-quad with dec-octets 0..255 and no leading zeros (RFC 3986 3.2.2), or -1. */
    static long parseIpv4(String s, int from, int to) {
        long value = 0;
        int parts = 0;
        int i = from;
        while (parts < 4) {
            int start = i;
            int octet = 0;
            while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9' && i - start < 3) {
                octet = octet * 10 + (s.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || octet > 255 || (digits > 1 && s.charAt(start) == '0')) {
                return -1;
            }
            value = (value << 8) | octet;
            parts++;
            if (parts < 4) {
                if (i >= to || s.charAt(i) != '.') {
                    return -1;
                }
                i++;
            }
        }
        return i == to ? value : -1;
    }

    static String format(int[] g) {
        StringBuilder out = new StringBuilder(39);
        if (g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xffff) {
            return out.append("::ffff:").append(g[6] >>> 8).append('.').append(g[6] & 0xff).append('.')
                    .append(g[7] >>> 8).append('.').append(g[7] & 0xff).toString();
        }
        int bestStart = -1;
        int bestLength = 1; // RFC 5952 4.2.2: a single zero group is not shortened
        for (int i = 0; i < GROUPS; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < GROUPS && g[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        for (int i = 0; i < GROUPS; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(g[i]));
        }
        return out.toString();
    }

    static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
