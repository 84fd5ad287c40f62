package org.nfqwall.packet;

/**
 * Formats and classifies 128-bit addresses held as two longs, the form {@link PacketView} uses
 * (IPv4 stored IPv4-mapped, ::ffff:a.b.c.d). Stateless and thread-safe; {@link #format}
 * allocates and is meant for logs, not for the per-packet path.
 */
public final class IpAddresses {
    private static final long MAPPED_PREFIX = 0x0000FFFF_00000000L;

    private IpAddresses() {
    }

    /** The low half of the IPv4-mapped address of {@code ipv4} (the high half is 0). */
    public static long mapIpv4(int ipv4) {
        return MAPPED_PREFIX | (ipv4 & 0xFFFF_FFFFL);
    }

    /** Whether {@code hi:lo} is an IPv4-mapped address (RFC 4291 section 2.5.5.2). */
    public static boolean isIpv4Mapped(long hi, long lo) {
        return hi == 0 && (lo & 0xFFFF_FFFF_0000_0000L) == MAPPED_PREFIX;
    }

    /**
     * The address as logs want it: an IPv4-mapped one as a dotted quad ({@code 10.0.0.1}), any
     * other in the RFC 5952 section 4 form: lower case, no leading zeros, the longest run of two
     * or more zero groups (the first of equal runs) shortened to {@code ::}.
     */
    public static String format(long hi, long lo) {
        if (isIpv4Mapped(hi, lo)) {
            return (lo >>> 24 & 0xFF) + "." + (lo >>> 16 & 0xFF) + "." + (lo >>> 8 & 0xFF) + "." + (lo & 0xFF);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 4; i++) {
            groups[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
            groups[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder out = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }
}
