package org.nfqwall.packet;

import java.nio.ByteBuffer;

/** The IPv4 header parser (RFC 791). Stateless; fills a {@link PacketView}. */
final class Ipv4Header {
    static final int MIN_LENGTH = 20;
    private static final int MORE_FRAGMENTS = 0x2000;
    private static final int FRAGMENT_OFFSET_MASK = 0x1FFF;
    /** The largest total length the 16-bit field holds: {@value}. */
    static final int MAX_TOTAL_LENGTH = 0xFFFF;

    private Ipv4Header() {
    }

    /*
     * RFC 791 section 3.1, Internet Header Format:
     *
     *  0                   1                   2                   3
     *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |Version|  IHL  |Type of Service|          Total Length         |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |         Identification        |Flags|      Fragment Offset    |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |  Time to Live |    Protocol   |         Header Checksum       |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                       Source Address                          |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                    Destination Address                        |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                    Options                    |    Padding    |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     */
    /**
     * Parses the IPv4 header at {@code offset} (version already seen to be 4), with
     * {@code length >= 1} bytes available. Options are skipped, not interpreted. The header
     * checksum is not verified: the kernel drops bad ones before netfilter sees them.
     *
     * <p>Total length below IHL * 4 is {@link Malformed#BAD_IPV4_LENGTH}; above the captured
     * length the view is {@code truncated}; below it, the rest is link padding and ignored. A
     * total length of 0 on a packet of {@code wireLength} over {@value #MAX_TOTAL_LENGTH} bytes
     * is a BIG TCP GSO packet, whose real length the kernel keeps outside the header.
     */
    static Malformed parse(ByteBuffer buf, int offset, int length, int wireLength, PacketView view) {
        if (length < MIN_LENGTH) {
            return Malformed.BAD_IP_HEADER;
        }
        int headerLength = (Bytes.u8(buf, offset) & 0x0F) * 4;
        if (headerLength < MIN_LENGTH || headerLength > length) {
            return Malformed.BAD_IPV4_LENGTH;
        }
        int totalLength = Bytes.u16(buf, offset + 2);
        if (totalLength == 0 && wireLength > MAX_TOTAL_LENGTH) {
            totalLength = wireLength;
        }
        if (totalLength < headerLength) {
            return Malformed.BAD_IPV4_LENGTH;
        }
        int flagsAndOffset = Bytes.u16(buf, offset + 6);
        view.ipVersion = 4;
        view.hopLimit = Bytes.u8(buf, offset + 8);
        view.l4Protocol = Bytes.u8(buf, offset + 9);
        view.srcLo = IpAddresses.mapIpv4((int) Bytes.u32(buf, offset + 12));
        view.dstLo = IpAddresses.mapIpv4((int) Bytes.u32(buf, offset + 16));
        view.ipHeaderLength = headerLength;
        view.truncated = totalLength > length;
        view.ipEnd = offset + Math.min(totalLength, length);
        view.l4Offset = offset + headerLength;
        view.l4DeclaredLength = totalLength - headerLength;
        view.laterFragment = (flagsAndOffset & FRAGMENT_OFFSET_MASK) != 0;
        view.firstFragment = !view.laterFragment && (flagsAndOffset & MORE_FRAGMENTS) != 0;
        return Malformed.NONE;
    }
}
