package org.nfqwall.packet;

import java.nio.ByteBuffer;

/**
 * A decoded view of one IP packet lying in a buffer: the offsets and header fields the engine
 * needs, read in place with absolute indexes (no copies, no allocation).
 *
 * <p>Mutable and reused: each worker thread owns one instance and calls {@link #decode} per
 * packet. Not thread-safe. After {@code decode} returns {@link Malformed#NONE} the fields below
 * describe the packet; otherwise only {@link #malformed} is meaningful.
 *
 * <p>API CONTRACT (fixed; implementation filled in by the packet helper).
 */
public final class PacketView {
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;

    public static final int TCP_FIN = 0x01;
    public static final int TCP_SYN = 0x02;
    public static final int TCP_RST = 0x04;
    public static final int TCP_PSH = 0x08;
    public static final int TCP_ACK = 0x10;

    /** Why the last packet could not be decoded, or NONE. */
    public Malformed malformed = Malformed.NONE;

    /** 4 or 6. */
    public int ipVersion;
    /** Source and destination as 128-bit values; IPv4 stored IPv4-mapped (::ffff:a.b.c.d). */
    public long srcHi, srcLo, dstHi, dstLo;
    /** Final upper-layer protocol after IPv6 extension headers (6, 17, or another number). */
    public int l4Protocol;
    /** Absolute index of the L4 header in the buffer. */
    public int l4Offset;
    /** True for a non-first IPv4/IPv6 fragment (no L4 header present); ports etc. are 0. */
    public boolean laterFragment;
    /** True when the packet is a first fragment with more to come (MF set). */
    public boolean firstFragment;

    public int srcPort, dstPort;
    /** TCP only. */
    public int tcpFlags;
    /** TCP sequence number as unsigned 32-bit value in a long. */
    public long tcpSeq;
    /** Absolute index and length of the L4 payload (TCP/UDP data) in the buffer. */
    public int payloadOffset, payloadLength;

    /**
     * Decodes the IP packet at {@code buf[offset, offset+length)}. Never throws on any input.
     *
     * @return {@link Malformed#NONE} when decoded, otherwise the reason
     */
    public Malformed decode(ByteBuffer buf, int offset, int length) {
        throw new UnsupportedOperationException("packet helper");
    }

    /** Verifies the TCP or UDP checksum of the last decoded packet (UDP checksum 0 on IPv4 is valid). */
    public boolean checksumValid(ByteBuffer buf) {
        throw new UnsupportedOperationException("packet helper");
    }
}
