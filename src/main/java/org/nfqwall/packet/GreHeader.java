package org.nfqwall.packet;

import java.nio.ByteBuffer;

/**
 * The GRE header parser (RFC 2784, with the key and sequence number of RFC 2890) and the step
 * into the IPv4 or IPv6 packet it carries. Stateless; fills a {@link PacketView}.
 *
 * <p>Decoded at least as leniently as the Linux receiver reads a packet, since the filter must see
 * whatever the tunnel endpoint will deliver: version 0 only, the Routing Present bit must be clear
 * ({@code gre_parse_header} discards it, as RFC 2784 section 2.3 says), and the other reserved
 * bits are ignored. Linux ignores bits 4 to 8 too; it discards a packet with any of bits 9 to 12
 * set ({@code gre_rcv} reads them as part of the version), which nfqwall still decodes: inspecting
 * a packet the endpoint drops costs nothing, skipping one it delivers would let it pass unread.
 * One level of encapsulation: GRE inside the inner packet is left as the inner packet's protocol
 * (47) and not looked into.
 */
final class GreHeader {
    /** Flags, version and protocol type: {@value} bytes. */
    static final int BASE_LENGTH = 4;
    /** Checksum Present (RFC 2784 section 2.2). */
    static final int FLAG_CHECKSUM = 0x8000;
    /** Routing Present (RFC 1701); RFC 2784 section 2.3 says discard, and Linux does. */
    static final int FLAG_ROUTING = 0x4000;
    /** Key Present (RFC 2890 section 2). */
    static final int FLAG_KEY = 0x2000;
    /** Sequence Number Present (RFC 2890 section 2). */
    static final int FLAG_SEQUENCE = 0x1000;
    private static final int VERSION_MASK = 0x0007;
    /** Enhanced GRE of PPTP (RFC 2637 section 4.1), carrying PPP: not looked into. */
    static final int VERSION_PPTP = 1;
    /** EtherType of an IPv4 payload. */
    static final int PROTOCOL_IPV4 = 0x0800;
    /** EtherType of an IPv6 payload. */
    static final int PROTOCOL_IPV6 = 0x86DD;

    private GreHeader() {
    }

    /*
     * RFC 2784 section 2, with the Key and Sequence Number fields of RFC 2890 section 2:
     *
     *  0                   1                   2                   3
     *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |C|R|K|S| Reserved0       | Ver |         Protocol Type         |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |      Checksum (optional)      |       Reserved1 (Optional)    |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                         Key (optional)                        |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                 Sequence Number (Optional)                    |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     *
     * R is bit 1 of RFC 2784's Reserved0 (RFC 1701's Routing Present); RFC 2784 has bits 2 and 3
     * reserved too, which RFC 2890 made K and S.
     */
    /**
     * Parses the GRE header at {@code view.l4Offset} of an outer packet that is neither a
     * fragment nor cut short before the header's end, then the inner IPv4 or IPv6 header.
     *
     * <p>On return {@link PacketView#greOffset} is set. When the inner packet was decoded,
     * {@link PacketView#tunnelled} is true, the outer addresses are in the {@code outer*} fields
     * and the IP fields describe the inner packet. A header that is fine but not looked into
     * (version 1, or a protocol type other than IPv4 and IPv6) leaves the view as the outer
     * packet with protocol 47. Everything the kernel's receiver would discard is
     * {@link Malformed#BAD_GRE_HEADER}: a header cut short, R set, a version above 1, an inner
     * packet longer than the GRE payload; an inner header the IP parsers refuse keeps their reason.
     */
    static Malformed parse(ByteBuffer buf, PacketView view) {
        int at = view.l4Offset;
        int available = view.ipEnd - at;
        if (available < BASE_LENGTH) {
            return Malformed.BAD_GRE_HEADER;
        }
        int flags = Bytes.u16(buf, at);
        int version = flags & VERSION_MASK;
        if ((flags & FLAG_ROUTING) != 0 || version > VERSION_PPTP) {
            return Malformed.BAD_GRE_HEADER;
        }
        view.greOffset = at;
        if (version == VERSION_PPTP) {
            return Malformed.NONE;
        }
        int headerLength = BASE_LENGTH + ((flags & FLAG_CHECKSUM) != 0 ? 4 : 0)
                + ((flags & FLAG_KEY) != 0 ? 4 : 0) + ((flags & FLAG_SEQUENCE) != 0 ? 4 : 0);
        if (available < headerLength) {
            return Malformed.BAD_GRE_HEADER;
        }
        int protocolType = Bytes.u16(buf, at + 2);
        if (protocolType != PROTOCOL_IPV4 && protocolType != PROTOCOL_IPV6) {
            return Malformed.NONE;
        }
        int field = at + BASE_LENGTH + ((flags & FLAG_CHECKSUM) != 0 ? 4 : 0);
        view.greChecksumPresent = (flags & FLAG_CHECKSUM) != 0;
        view.greKeyPresent = (flags & FLAG_KEY) != 0;
        if (view.greKeyPresent) {
            view.greKey = Bytes.u32(buf, field);
            field += 4;
        }
        view.greSequencePresent = (flags & FLAG_SEQUENCE) != 0;
        if (view.greSequencePresent) {
            view.greSequence = Bytes.u32(buf, field);
        }
        return inner(buf, at + headerLength, protocolType, view);
    }

    /**
     * Moves the view from the outer packet to the inner one at {@code inner}: keeps the outer
     * addresses, then parses the inner header against the GRE payload the outer length declares,
     * clipped to what was captured. A capture cut short inside the inner packet makes the view
     * truncated, as the outer packet's would.
     */
    private static Malformed inner(ByteBuffer buf, int inner, int protocolType, PacketView view) {
        int declared = view.l4DeclaredLength - (inner - view.l4Offset);
        int captured = view.ipEnd - inner;
        if (captured < 1) {
            return Malformed.BAD_GRE_HEADER;
        }
        boolean outerTruncated = view.truncated;
        view.outerIpVersion = view.ipVersion;
        view.outerSrcHi = view.srcHi;
        view.outerSrcLo = view.srcLo;
        view.outerDstHi = view.dstHi;
        view.outerDstLo = view.dstLo;
        view.greEnd = view.ipEnd;
        view.tunnelled = true;
        // The IPv4 parser leaves the high halves as reset() left them: 0.
        view.srcHi = 0;
        view.dstHi = 0;
        // The checksum of the inner transport covers the inner addresses only.
        view.finalDestinationUnknown = false;
        int version = Bytes.u8(buf, inner) >>> 4;
        Malformed result;
        if (protocolType == PROTOCOL_IPV4 && version == 4) {
            result = Ipv4Header.parse(buf, inner, captured, declared, view);
        } else if (protocolType == PROTOCOL_IPV6 && version == 6) {
            result = Ipv6Header.parse(buf, inner, captured, view);
        } else {
            // The protocol type and the version nibble disagree: Linux's ip_rcv or ipv6_rcv drops it.
            return Malformed.BAD_IP_HEADER;
        }
        if (result != Malformed.NONE) {
            return result;
        }
        int innerLength = view.l4Offset - inner + view.l4DeclaredLength;
        if (innerLength > declared) {
            return Malformed.BAD_GRE_HEADER;
        }
        view.truncated |= outerTruncated;
        return Malformed.NONE;
    }
}
