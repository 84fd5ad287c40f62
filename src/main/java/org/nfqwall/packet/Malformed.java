package org.nfqwall.packet;

/** Why a packet could not be decoded; each value is counted separately in statistics. */
public enum Malformed {
    NONE,
    /** Shorter than the fixed IP header, or the IP version nibble is not 4 or 6. */
    BAD_IP_HEADER,
    /** IPv4 IHL below 5, header longer than the packet, or total length inconsistent. */
    BAD_IPV4_LENGTH,
    /** IPv6 payload length larger than the packet, or an extension header runs past the end. */
    BAD_IPV6_LENGTH,
    /** TCP data offset below 5 or beyond the packet. */
    BAD_TCP_HEADER,
    /** UDP length field inconsistent with the packet. */
    BAD_UDP_HEADER,
    /** More than {@code PacketView.MAX_EXTENSION_HEADERS} IPv6 extension headers. */
    TOO_MANY_EXTENSION_HEADERS
}
