package org.nfqwall.rules;

/**
 * The project's one parser and printer of IP address text: parses IPv4 and IPv6 literals into
 * 128-bit values (IPv4 as IPv4-mapped {@code ::ffff:a.b.c.d}) and prints them in the RFC 5952
 * canonical form. Rules, host names and log lines all use it, so an address reads the same
 * everywhere.
 *
 * <p>Written by hand because {@code InetAddress.getByName} falls back to DNS for anything that is
 * not a literal, and accepts forms (zone ids, octal-looking IPv4) a rules file should refuse.
 * Stateless; safe from any thread. Printing allocates: it is for logs and rule text, not for the
 * per-packet path.
 */
public final class Addresses {
    /** The high 64 bits are 0 and these are the low 64 bits of {@code ::ffff:0.0.0.0}. */
    static final long IPV4_MAPPED_LO = 0x0000FFFF00000000L;

    private Addresses() {
    }

    /**
     * The address {@code hi:lo} as logs show it: an IPv4-mapped address as a dotted quad
     * ({@code 10.0.0.1}), any other in the RFC 5952 form ({@code 2001:db8::1}).
     */
    public static String format(long hi, long lo) {
        if (hi == 0 && (lo & 0xFFFFFFFF00000000L) == IPV4_MAPPED_LO) {
            return formatIpv4((int) lo);
        }
        return formatIpv6(hi, lo);
    }

    /** True if the text has the shape of an IPv4 literal attempt: digits and dots only. */
    static boolean looksLikeIpv4(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses dotted-decimal IPv4 ({@code a.b.c.d}, each 0..255, no leading zeros).
     *
     * @return the address as an int, most significant byte first
     */
    static int parseIpv4(String s) throws BadValueException {
        int value = 0;
        int parts = 0;
        int i = 0;
        int n = s.length();
        while (true) {
            int start = i;
            int octet = 0;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9' && i - start < 4) {
                octet = octet * 10 + (s.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || digits > 3 || octet > 255) {
                throw new BadValueException("not a valid IPv4 address, expected four numbers 0..255 like 192.168.1.10");
            }
            if (digits > 1 && s.charAt(start) == '0') {
                // 010 means 8 to some tools and 10 to others: refuse rather than guess.
                throw new BadValueException("leading zero in an IPv4 address, expected plain decimal numbers like 10.0.0.1");
            }
            value = (value << 8) | octet;
            parts++;
            if (parts == 4) {
                break;
            }
            if (i >= n || s.charAt(i) != '.') {
                throw new BadValueException("not a valid IPv4 address, expected four numbers 0..255 like 192.168.1.10");
            }
            i++;
        }
        if (i != n) {
            throw new BadValueException("not a valid IPv4 address, expected four numbers 0..255 like 192.168.1.10");
        }
        return value;
    }

    /**
     * Parses an IPv6 literal (RFC 4291 section 2.2: eight groups, {@code ::} once, optional
     * trailing dotted IPv4). Zone ids ({@code %eth0}) are refused.
     *
     * @return {@code {hi, lo}}
     */
    static long[] parseIpv6(String s) throws BadValueException {
        final String bad = "not a valid IPv6 address, expected a form like fd00::1 or 2001:db8::/32";
        if (s.indexOf('%') >= 0) {
            throw new BadValueException("zone ids (%...) are not allowed in an IPv6 address, expected a form like fe80::1");
        }
        int[] groups = new int[8];
        int count = 0;
        int gap = -1;
        int n = s.length();
        int i = 0;
        if (n >= 2 && s.startsWith("::")) {
            gap = 0;
            i = 2;
        } else if (n > 0 && s.charAt(0) == ':') {
            throw new BadValueException(bad);
        }
        while (i < n) {
            if (count == 8) {
                throw new BadValueException(bad);
            }
            int start = i;
            int v = 0;
            while (i < n && hexValue(s.charAt(i)) >= 0 && i - start < 5) {
                v = (v << 4) | hexValue(s.charAt(i));
                i++;
            }
            if (i < n && s.charAt(i) == '.') {
                // Embedded IPv4 takes the last two groups.
                if (count > 6) {
                    throw new BadValueException(bad);
                }
                int v4;
                try {
                    v4 = parseIpv4(s.substring(start));
                } catch (BadValueException e) {
                    throw new BadValueException(bad);
                }
                groups[count++] = v4 >>> 16;
                groups[count++] = v4 & 0xFFFF;
                i = n;
                break;
            }
            int digits = i - start;
            if (digits == 0 || digits > 4) {
                throw new BadValueException(bad);
            }
            groups[count++] = v;
            if (i == n) {
                break;
            }
            if (s.charAt(i) != ':') {
                throw new BadValueException(bad);
            }
            i++;
            if (i < n && s.charAt(i) == ':') {
                if (gap >= 0) {
                    throw new BadValueException("\"::\" appears twice in an IPv6 address, expected it at most once");
                }
                gap = count;
                i++;
            } else if (i == n) {
                throw new BadValueException(bad);
            }
        }
        if (gap < 0 && count != 8 || gap >= 0 && count > 7) {
            throw new BadValueException(bad);
        }
        int[] full = new int[8];
        if (gap < 0) {
            full = groups;
        } else {
            int tail = count - gap;
            System.arraycopy(groups, 0, full, 0, gap);
            System.arraycopy(groups, gap, full, 8 - tail, tail);
        }
        long hi = 0;
        long lo = 0;
        for (int g = 0; g < 4; g++) {
            hi = (hi << 16) | full[g];
            lo = (lo << 16) | full[g + 4];
        }
        return new long[] {hi, lo};
    }

    /** ASCII hex digit value, or -1 (Character.digit would also take non-ASCII digits). */
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

    /** Dotted-decimal text of an IPv4 address. */
    static String formatIpv4(int v) {
        return (v >>> 24) + "." + ((v >>> 16) & 0xFF) + "." + ((v >>> 8) & 0xFF) + "." + (v & 0xFF);
    }

    /**
     * RFC 5952 text: lower-case hex without leading zeros, the longest run of two or more zero
     * groups (the first on a tie) written as {@code ::}, and IPv4-mapped addresses in the mixed
     * form {@code ::ffff:192.0.2.1} (section 5).
     */
    static String formatIpv6(long hi, long lo) {
        if (hi == 0 && (lo >>> 32) == 0xFFFFL) {
            return "::ffff:" + formatIpv4((int) lo);
        }
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
            g[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8;) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
