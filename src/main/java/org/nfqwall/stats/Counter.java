package org.nfqwall.stats;

/** The named counters of one worker; see {@link Counters}. */
public enum Counter {
    /** Packets handed to the engine. */
    PACKETS,
    /** Bytes of those packets on the wire (IP header included; a packet cut to the copy range counts whole). */
    BYTES,
    /** GSO/GRO super-packets the kernel queued whole (several segments on the wire). */
    GSO_PACKETS,
    /** Packets that could not be decoded, all reasons (accepted). */
    MALFORMED,
    /** Non-first IP fragments (accepted: no ports to match). */
    FRAGMENTS,
    /** Packets of protocols other than TCP and UDP (accepted). */
    OTHER_PROTOCOLS,
    /** TCP segments whose checksum is wrong (accepted unread: the receiver drops them). */
    BAD_CHECKSUMS,
    /**
     * Packets cut to the copy range whose cut-off bytes a flow under inspection still needed
     * (dropped, that packet only: the client sends them again, in segments that fit).
     */
    TRUNCATED_DROPPED,
    /** Retransmissions or overlaps whose bytes differ from the first copy (dropped). */
    REASSEMBLY_CONFLICTS,
    /** Out-of-order segments that could not be held (dropped: the client sends them again). */
    REASSEMBLY_NO_ROOM,
    /** Flows decided without inspection because no reassembly buffer was left. */
    BUFFERS_EXHAUSTED,
    /** Packets that came back with nfqwall's verdict bit set: the generated iptables rules are missing. */
    LOOPED_VERDICTS,
    /** Flows created in the flow table. */
    FLOWS,
    /** Flows accepted for good and handed to the kernel (connmark): their later packets are not queued. */
    FLOWS_OFFLOADED,
    /** HTTP request heads decoded. */
    HTTP_REQUESTS,
    /** Flows whose bytes were not HTTP. */
    NOT_HTTP,
    /** Flows whose HTTP was malformed or ambiguous. */
    HTTP_MALFORMED,
    /** Flows whose request head exceeded the inspection limit. */
    HEAD_TOO_LARGE,
    /** TLS ClientHellos read. */
    TLS_HELLOS,
    /** TLS flows whose records or ClientHello were malformed, or whose SNI is not a host name. */
    TLS_MALFORMED,
    /** ClientHellos (TLS or QUIC) larger than the inspection limit. */
    HELLO_TOO_LARGE,
    /** QUIC ClientHellos read from Initial packets. */
    QUIC_HELLOS,
    /** QUIC flows whose ClientHello could not be read (other version, failed decryption, ...). */
    QUIC_UNREADABLE,
    /** Flows that started with the BitTorrent handshake. */
    BITTORRENT,
    /** Decisions taken, by verdict. */
    DECIDED_ACCEPT,
    DECIDED_DROP,
    DECIDED_REJECT,
    DECIDED_MARK,
    /** Decisions taken by the default verdict (no rule matched). */
    DECIDED_BY_DEFAULT,
    /** Server addresses put into (or renewed in) a steering mark's ipset: by decisions and by DNS answers. */
    STEER_ADDED,
    /** Steering adds refused because the mark's ipset does not exist. */
    STEER_SET_MISSING,
    /** Steering adds refused because the mark's ipset is full (its {@code max:}). */
    STEER_SET_FULL,
    /** Steering adds that failed otherwise (the daemon logs the first reason of each kind). */
    STEER_ADD_FAILED,
    /** Decisions for a routing mark whose live connection was left unmarked: the next connections are steered. */
    STEER_DEFERRED,
    /** UDP packets from port 53 read as DNS answers (always accepted unchanged). */
    DNS_PACKETS,
    /** Of those, responses with one question that were read. */
    DNS_RESPONSES,
    /** Of those, packets that are no DNS response nfqwall reads: malformed, a query, or not one question. */
    DNS_MALFORMED,
    /** Addresses from DNS answers put into a steering mark's ipset. */
    DNS_STEERED_ADDRESSES,
    /** Addresses of steered DNS answers left out: beyond the cap per answer, or records not read. */
    DNS_ADDRESSES_OVER_CAP
}
