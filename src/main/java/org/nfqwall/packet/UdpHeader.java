package org.nfqwall.packet;

import java.nio.ByteBuffer;

/** The UDP header parser (RFC 768). Stateless; fills a {@link PacketView}. */
final class UdpHeader {
    static final int LENGTH = 8;

    private UdpHeader() {
    }

    /*
     * RFC 768, User Datagram Header Format:
     *
     *  0      7 8     15 16    23 24    31
     * +--------+--------+--------+--------+
     * |     Source      |   Destination   |
     * |      Port       |      Port       |
     * +--------+--------+--------+--------+
     * |                 |                 |
     * |     Length      |    Checksum     |
     * +--------+--------+--------+--------+
     * |
     * |          data octets ...
     * +---------------- ...
     */
    /**
     * Parses the UDP header at {@code view.l4Offset}. The length field counts header and data; it
     * must be at least 8 and, except in a first fragment (where it counts the reassembled
     * datagram), fit in the IP payload the IP length declares. The payload is what the UDP length
     * says, clipped to what was captured; bytes after it are ignored.
     */
    static Malformed parse(ByteBuffer buf, PacketView view) {
        int at = view.l4Offset;
        int available = view.ipEnd - at;
        if (available < LENGTH) {
            return Malformed.BAD_UDP_HEADER;
        }
        int udpLength = Bytes.u16(buf, at + 4);
        if (udpLength < LENGTH || (!view.firstFragment && udpLength > view.l4DeclaredLength)) {
            return Malformed.BAD_UDP_HEADER;
        }
        view.srcPort = Bytes.u16(buf, at);
        view.dstPort = Bytes.u16(buf, at + 2);
        view.payloadOffset = at + LENGTH;
        view.payloadLength = Math.min(udpLength, available) - LENGTH;
        view.payloadMissing = Math.min(udpLength, view.l4DeclaredLength) - Math.min(udpLength, available);
        view.checksumEnd = at + udpLength;
        return Malformed.NONE;
    }
}
