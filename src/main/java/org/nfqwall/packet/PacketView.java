package org.nfqwall.packet;

import java.nio.ByteBuffer;

/**
 * A decoded view of one IP packet lying in a buffer: the offsets and header fields the engine
 * needs, read in place with absolute indexes (no copies, no allocation).
 *
 * <p>Mutable and reused: each worker thread owns one instance and calls {@link #decode} per
 * packet. Not thread-safe. After {@code decode} returns {@link Malformed#NONE} the fields below
 * describe the packet; otherwise only {@link #malformed} is meaningful. The buffer is only read,
 * at absolute indexes: its position, limit and byte order are never changed, and {@code decode}
 * and {@link #checksumValid} allocate nothing.
 *
 * <p>What is accepted, in short (each parser's Javadoc has the details and the RFC section):
 * <ul>
 *   <li>A capture shorter than the IP length field says is {@link #truncated} (a GSO packet cut
 *       to the queue's copy range): headers and lengths are decoded against the IP length, only
 *       the captured bytes are read; the payload is clipped to them and {@link #payloadMissing}
 *       counts the rest. The packet is still decoded as long as every header up to and including
 *       the TCP/UDP header was captured. Bytes after the IP length are padding and ignored.
 *   <li>A non-first fragment ({@link #laterFragment}) is decoded up to IP; a first fragment must
 *       hold its whole TCP/UDP header, since a transport header split across fragments is the
 *       classic filter evasion (RFC 1858 section 3.1).
 *   <li>Protocols other than TCP and UDP are decoded up to IP: {@link #l4Protocol} is set, ports
 *       are 0 and the payload is the rest of the IP payload.
 *   <li>GRE version 0 carrying IPv4 or IPv6 ({@link GreHeader}) is decoded through to the inner
 *       packet: {@link #tunnelled} is set, the tunnel's fields ({@code gre*}, {@code outer*}) are
 *       filled, and every other field describes the INNER packet, so the engine treats it as a
 *       plain packet of its own flow. One level only (GRE inside the tunnel stays protocol 47).
 *       Other GRE (version 1 of PPTP, other payload types) and an outer fragment, first or
 *       later, stay protocol 47: the inner packet of a fragment is incomplete.
 * </ul>
 */
public final class PacketView {
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;
    public static final int PROTO_GRE = 47;

    public static final int TCP_FIN = 0x01;
    public static final int TCP_SYN = 0x02;
    public static final int TCP_RST = 0x04;
    public static final int TCP_PSH = 0x08;
    public static final int TCP_ACK = 0x10;

    /**
     * Most IPv6 extension headers walked before a packet is {@link Malformed#TOO_MANY_EXTENSION_HEADERS}:
     * {@value}. RFC 8200 section 4.1 allows each kind once (Destination Options twice), which is
     * far below this; long chains only serve to push the upper-layer header out of reach.
     */
    public static final int MAX_EXTENSION_HEADERS = 8;

    /**
     * Most bytes of IP, extension and TCP/UDP headers that {@link #decode} reads before a payload:
     * {@value} (IPv6's fixed 40, {@link #MAX_EXTENSION_HEADERS} extension headers of up to 2048
     * bytes each, a TCP header with 40 bytes of options; IPv4 needs at most 60 + 60). A copy of
     * this many bytes plus what inspection reads of one payload loses nothing the engine needs.
     */
    public static final int MAX_HEADER_BYTES = 40 + MAX_EXTENSION_HEADERS * 2048 + 60;

    /** Why the last packet could not be decoded, or NONE. */
    public Malformed malformed = Malformed.NONE;

    /** 4 or 6. */
    public int ipVersion;
    /** Source and destination as 128-bit values; IPv4 stored IPv4-mapped (::ffff:a.b.c.d). */
    public long srcHi, srcLo, dstHi, dstLo;
    /** IPv4 time to live or IPv6 hop limit. */
    public int hopLimit;
    /**
     * Bytes from the start of the packet to the upper-layer header: IHL * 4 for IPv4 (options
     * included), 40 plus the extension headers walked for IPv6.
     */
    public int ipHeaderLength;
    /** True when fewer bytes were captured than the IP length field announces. */
    public boolean truncated;
    /** Final upper-layer protocol after IPv6 extension headers (6, 17, or another number). */
    public int l4Protocol;
    /** Absolute index of the L4 header in the buffer. */
    public int l4Offset;
    /** True for a non-first IPv4/IPv6 fragment (no L4 header present); ports etc. are 0. */
    public boolean laterFragment;
    /** True when the packet is a first fragment with more to come (MF set). */
    public boolean firstFragment;

    public int srcPort, dstPort;
    /** TCP only: the low 8 flag bits (CWR ECE URG ACK PSH RST SYN FIN). */
    public int tcpFlags;
    /** TCP sequence number as unsigned 32-bit value in a long. */
    public long tcpSeq;
    /** Absolute index and length of the L4 payload (TCP/UDP data) in the buffer: the captured part. */
    public int payloadOffset, payloadLength;
    /**
     * Payload bytes the IP (and UDP) length fields announce beyond the captured ones, which
     * follow {@code payloadLength} on the wire but were not copied: 0 unless {@link #truncated}.
     */
    public int payloadMissing;

    /**
     * The packet came inside a GRE tunnel and the inner packet was decoded: the fields above
     * describe the inner packet, the ones below the tunnel.
     */
    public boolean tunnelled;
    /** The outer (tunnel) packet's IP version, 4 or 6; 0 unless {@link #tunnelled}. */
    public int outerIpVersion;
    /** The tunnel endpoints, as 128-bit values like {@link #srcHi}; 0 unless {@link #tunnelled}. */
    public long outerSrcHi, outerSrcLo, outerDstHi, outerDstLo;
    /** The GRE header carries a key (RFC 2890 section 2.1). */
    public boolean greKeyPresent;
    /** The GRE key as unsigned 32-bit value; 0 unless {@link #greKeyPresent}. */
    public long greKey;
    /** The GRE header carries a sequence number (RFC 2890 section 2.2). */
    public boolean greSequencePresent;
    /** The GRE sequence number as unsigned 32-bit value; 0 unless {@link #greSequencePresent}. */
    public long greSequence;
    /** The GRE header carries a checksum (RFC 2784 section 2.5), checked by {@link #checksumValid}. */
    public boolean greChecksumPresent;
    /** Absolute index of the GRE header when the outer protocol is GRE and its header was read, else 0. */
    public int greOffset;

    /** Absolute index just past the captured bytes of the outer packet (the GRE checksum's end). */
    int greEnd;
    /** Absolute index just past the captured bytes that belong to the IP packet (padding excluded). */
    int ipEnd;
    /** Bytes from {@link #l4Offset} to the end of the IP packet as its length field declares it. */
    int l4DeclaredLength;
    /** Absolute index just past the bytes the TCP/UDP checksum covers. */
    int checksumEnd;
    /** An IPv6 routing header still has segments to visit: the final destination is elsewhere. */
    boolean finalDestinationUnknown;

    /**
     * Decodes the IP packet at {@code buf[offset, offset+length)}, all of it captured. Never
     * throws on any input: a window outside {@code [0, buf.limit())} is {@link Malformed#BAD_IP_HEADER}.
     *
     * @return {@link Malformed#NONE} when decoded, otherwise the reason
     */
    public Malformed decode(ByteBuffer buf, int offset, int length) {
        return decode(buf, offset, length, length);
    }

    /**
     * Decodes the IP packet whose first {@code length} bytes lie at {@code buf[offset, ...)} and
     * whose length on the wire is {@code wireLength} (the queue's NFQA_CAP_LEN; at least
     * {@code length}). The IP length fields decide what the packet holds; {@code wireLength} is
     * used only where IPv4 leaves its total length 0 for a GSO packet over 64 KiB (BIG TCP, as
     * the kernel's {@code iph_totlen} reads it).
     */
    public Malformed decode(ByteBuffer buf, int offset, int length, int wireLength) {
        reset();
        Malformed result;
        if (offset < 0 || length < 1 || length > buf.limit() - offset) {
            result = Malformed.BAD_IP_HEADER;
        } else {
            int version = Bytes.u8(buf, offset) >>> 4;
            if (version == 4) {
                result = Ipv4Header.parse(buf, offset, length, wireLength, this);
            } else if (version == 6) {
                result = Ipv6Header.parse(buf, offset, length, this);
            } else {
                result = Malformed.BAD_IP_HEADER;
            }
            if (result == Malformed.NONE) {
                result = decodeTransport(buf);
            }
        }
        malformed = result;
        return result;
    }

    private Malformed decodeTransport(ByteBuffer buf) {
        if (l4Protocol == PROTO_GRE && !laterFragment && !firstFragment) {
            Malformed gre = GreHeader.parse(buf, this);
            if (gre != Malformed.NONE) {
                return gre;
            }
            if (!tunnelled) {
                return uninspectedPayload();
            }
        }
        if (!laterFragment) {
            if (l4Protocol == PROTO_TCP) {
                return TcpHeader.parse(buf, this);
            }
            if (l4Protocol == PROTO_UDP) {
                return UdpHeader.parse(buf, this);
            }
        }
        return uninspectedPayload();
    }

    /** The rest of the IP payload as the payload of a protocol that is not decoded further. */
    private Malformed uninspectedPayload() {
        payloadOffset = l4Offset;
        payloadLength = ipEnd - l4Offset;
        payloadMissing = Math.max(0, l4DeclaredLength - payloadLength);
        return Malformed.NONE;
    }

    /**
     * Verifies the TCP or UDP checksum of the last decoded packet, which must still lie in
     * {@code buf} (RFC 9293 section 3.1, RFC 768, RFC 8200 section 8.1), and for a tunnelled one
     * the GRE checksum too when present (RFC 2784 section 2.5: over the GRE header and all that
     * follows it; the receiver discards a packet whose checksum is wrong).
     *
     * <p>Returns true when it cannot judge: the packet was malformed, truncated, a fragment (the
     * checksum covers the reassembled datagram), not TCP or UDP, or its final IPv6 destination lies
     * in a routing header still to be visited. A UDP checksum of 0 over IPv4 means "not computed"
     * and is valid; over IPv6 it is invalid (RFC 8200 section 8.1; the tunnel exception of
     * RFC 6935 is not made).
     */
    public boolean checksumValid(ByteBuffer buf) {
        if (malformed != Malformed.NONE || truncated) {
            return true;
        }
        if (greChecksumPresent && InternetChecksum.sum(buf, greOffset, greEnd) != 0xFFFF) {
            return false;
        }
        return transportChecksumValid(buf);
    }

    private boolean transportChecksumValid(ByteBuffer buf) {
        if (laterFragment || firstFragment
                || finalDestinationUnknown || (l4Protocol != PROTO_TCP && l4Protocol != PROTO_UDP)) {
            return true;
        }
        if (l4Protocol == PROTO_UDP && Bytes.u16(buf, l4Offset + 6) == 0) {
            return ipVersion == 4;
        }
        return InternetChecksum.transportValid(buf, this);
    }

    private void reset() {
        malformed = Malformed.NONE;
        ipVersion = 0;
        srcHi = srcLo = dstHi = dstLo = 0;
        hopLimit = 0;
        ipHeaderLength = 0;
        truncated = false;
        l4Protocol = 0;
        l4Offset = 0;
        laterFragment = false;
        firstFragment = false;
        srcPort = dstPort = 0;
        tcpFlags = 0;
        tcpSeq = 0;
        payloadOffset = payloadLength = 0;
        payloadMissing = 0;
        ipEnd = 0;
        l4DeclaredLength = 0;
        checksumEnd = 0;
        finalDestinationUnknown = false;
        tunnelled = false;
        outerIpVersion = 0;
        outerSrcHi = outerSrcLo = outerDstHi = outerDstLo = 0;
        greKeyPresent = false;
        greKey = 0;
        greSequencePresent = false;
        greSequence = 0;
        greChecksumPresent = false;
        greOffset = 0;
        greEnd = 0;
    }
}
