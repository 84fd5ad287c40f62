package org.nfqwall.packet;

/**
 * Puts IPv4 addresses into the 128-bit form {@link PacketView} holds as two longs: IPv4-mapped,
 * {@code ::ffff:a.b.c.d} (RFC 4291 section 2.5.5.2), so that one prefix tree serves both
 * families. Printing addresses is the rules package's job ({@code org.nfqwall.rules.Addresses}).
 * Stateless and thread-safe; allocates nothing.
 */
public final class IpAddresses {
    private static final long MAPPED_PREFIX = 0x0000FFFF_00000000L;

    private IpAddresses() {
    }

    /** The low half of the IPv4-mapped address of {@code ipv4} (the high half is 0). */
    public static long mapIpv4(int ipv4) {
        return MAPPED_PREFIX | (ipv4 & 0xFFFF_FFFFL);
    }
}
