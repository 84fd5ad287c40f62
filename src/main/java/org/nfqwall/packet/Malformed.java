package org.nfqwall.packet;

/** Why a packet could not be decoded; each value is counted separately in statistics. */
public enum Malformed {
    NONE,
    /**
     * Shorter than the fixed IP header, the IP version nibble is not 4 or 6, or the window given
     * to {@code decode} lies outside the buffer.
     */
    BAD_IP_HEADER,
    /** IPv4 IHL below 5, header longer than the captured bytes, or total length below the header length. */
    BAD_IPV4_LENGTH,
    /**
     * An IPv6 extension header runs past the payload length or the captured bytes (jumbograms
     * included). A payload length merely larger than the capture is a truncated view, not this.
     */
    BAD_IPV6_LENGTH,
    /** TCP header (data offset below 5, or header with options) not within the captured IP payload. */
    BAD_TCP_HEADER,
    /** Fewer than 8 bytes of UDP header, or a UDP length below 8 or beyond the IP payload length. */
    BAD_UDP_HEADER,
    /** More than {@code PacketView.MAX_EXTENSION_HEADERS} IPv6 extension headers. */
    TOO_MANY_EXTENSION_HEADERS,
    /**
     * A GRE header the tunnel endpoint would discard: cut short, Routing Present (R) set, a
     * version above 1, or an inner packet longer than the GRE payload (see {@code GreHeader}).
     */
    BAD_GRE_HEADER
}
