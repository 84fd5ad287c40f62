package org.nfqwall.packet;

import java.nio.ByteBuffer;

/** The IPv6 header and extension-header chain parser (RFC 8200). Stateless; fills a {@link PacketView}. */
final class Ipv6Header {
    static final int FIXED_LENGTH = 40;
    static final int HOP_BY_HOP = 0;
    static final int ROUTING = 43;
    static final int FRAGMENT = 44;
    static final int ESP = 50;
    static final int AUTHENTICATION = 51;
    static final int NO_NEXT_HEADER = 59;
    static final int DESTINATION_OPTIONS = 60;
    private static final int FRAGMENT_HEADER_LENGTH = 8;
    private static final int FRAGMENT_OFFSET_MASK = 0xFFF8;
    private static final int MORE_FRAGMENTS = 0x0001;

    private Ipv6Header() {
    }

    /*
     * RFC 8200 section 3, IPv6 Header Format:
     *
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |Version| Traffic Class |           Flow Label                  |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |         Payload Length        |  Next Header  |   Hop Limit   |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                                                               |
     * +                     Source Address (128 bits)                 +
     * |                                                               |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                                                               |
     * +                  Destination Address (128 bits)               +
     * |                                                               |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     */
    /**
     * Parses the IPv6 header at {@code offset} (version already seen to be 6) and walks its
     * extension headers, with {@code length >= 1} bytes available.
     *
     * <p>A payload length above the captured bytes makes the view {@code truncated}; below them,
     * the rest is link padding and ignored. Jumbograms (RFC 2675: payload length 0 and a
     * Hop-by-Hop jumbo option) are not supported: their Hop-by-Hop header lies beyond the declared
     * payload length, so they are {@link Malformed#BAD_IPV6_LENGTH}.
     */
    static Malformed parse(ByteBuffer buf, int offset, int length, PacketView view) {
        if (length < FIXED_LENGTH) {
            return Malformed.BAD_IP_HEADER;
        }
        int payloadLength = Bytes.u16(buf, offset + 4);
        view.ipVersion = 6;
        view.hopLimit = Bytes.u8(buf, offset + 7);
        view.srcHi = Bytes.u64(buf, offset + 8);
        view.srcLo = Bytes.u64(buf, offset + 16);
        view.dstHi = Bytes.u64(buf, offset + 24);
        view.dstLo = Bytes.u64(buf, offset + 32);
        int captured = length - FIXED_LENGTH;
        view.truncated = payloadLength > captured;
        view.ipEnd = offset + FIXED_LENGTH + Math.min(payloadLength, captured);
        Malformed result = walkExtensionHeaders(buf, offset + FIXED_LENGTH, Bytes.u8(buf, offset + 6), view);
        view.ipHeaderLength = view.l4Offset - offset;
        view.l4DeclaredLength = payloadLength - (view.ipHeaderLength - FIXED_LENGTH);
        return result;
    }

    /*
     * RFC 8200 section 4.3 (Hop-by-Hop), 4.4 (Routing), 4.6 (Destination Options), and RFC 4302
     * section 2 (Authentication Header) share their first two octets:
     *
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |  Next Header  |  Hdr Ext Len  |  (Routing: Type, Segments Left)|
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * .                      rest of the header                       .
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     *
     * Length: (Hdr Ext Len + 1) * 8 octets; for AH, (Payload Len + 2) * 4 octets.
     *
     * RFC 8200 section 4.5, Fragment Header (8 octets):
     *
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                         Identification                        |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     */
    /**
     * Walks the chain from {@code at} until an upper-layer protocol, ESP or No Next Header, or a
     * non-first fragment (whose remaining headers are in an earlier fragment). Sets
     * {@code l4Offset} and {@code l4Protocol} wherever it stops. Hop-by-Hop is walked wherever it
     * appears, though RFC 8200 allows it only first: the filter must see the upper layer that a
     * lenient receiver would see.
     */
    private static Malformed walkExtensionHeaders(ByteBuffer buf, int at, int nextHeader, PacketView view) {
        int end = view.ipEnd;
        for (int count = 0; ; count++) {
            view.l4Offset = at;
            view.l4Protocol = nextHeader;
            if (!isWalkedExtensionHeader(nextHeader)) {
                return Malformed.NONE;
            }
            if (count == PacketView.MAX_EXTENSION_HEADERS) {
                return Malformed.TOO_MANY_EXTENSION_HEADERS;
            }
            if (end - at < 2) {
                return Malformed.BAD_IPV6_LENGTH;
            }
            int headerLength;
            if (nextHeader == FRAGMENT) {
                headerLength = FRAGMENT_HEADER_LENGTH;
            } else if (nextHeader == AUTHENTICATION) {
                headerLength = (Bytes.u8(buf, at + 1) + 2) * 4;
            } else {
                headerLength = (Bytes.u8(buf, at + 1) + 1) * 8;
            }
            if (end - at < headerLength) {
                return Malformed.BAD_IPV6_LENGTH;
            }
            int following = Bytes.u8(buf, at);
            if (nextHeader == FRAGMENT) {
                int offsetAndFlags = Bytes.u16(buf, at + 2);
                if ((offsetAndFlags & FRAGMENT_OFFSET_MASK) != 0) {
                    view.laterFragment = true;
                    view.l4Offset = at + headerLength;
                    view.l4Protocol = following;
                    return Malformed.NONE;
                }
                view.firstFragment = (offsetAndFlags & MORE_FRAGMENTS) != 0;
            } else if (nextHeader == ROUTING && Bytes.u8(buf, at + 3) != 0) {
                view.finalDestinationUnknown = true;
            }
            at += headerLength;
            nextHeader = following;
        }
    }

    private static boolean isWalkedExtensionHeader(int nextHeader) {
        return nextHeader == HOP_BY_HOP || nextHeader == ROUTING || nextHeader == FRAGMENT
                || nextHeader == DESTINATION_OPTIONS || nextHeader == AUTHENTICATION;
    }
}
