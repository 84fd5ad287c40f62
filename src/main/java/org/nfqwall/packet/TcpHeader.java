package org.nfqwall.packet;

import java.nio.ByteBuffer;

/** The TCP header parser (RFC 9293). Stateless; fills a {@link PacketView}. */
final class TcpHeader {
    static final int MIN_LENGTH = 20;

    private TcpHeader() {
    }

    /*
     * RFC 9293 section 3.1, TCP Header Format:
     *
     *  0                   1                   2                   3
     *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |          Source Port          |       Destination Port        |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                        Sequence Number                        |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                    Acknowledgment Number                      |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |  Data |       |C|E|U|A|P|R|S|F|                               |
     * | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
     * |       |       |R|E|G|K|H|T|N|N|                               |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |           Checksum            |         Urgent Pointer        |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                           [Options]                           |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     */
    /**
     * Parses the TCP header at {@code view.l4Offset}. The whole header, options included, must
     * lie in the captured IP payload, also in a truncated capture or a first fragment: the data
     * offset tells where the payload starts, and nothing can be judged without the ports.
     */
    static Malformed parse(ByteBuffer buf, PacketView view) {
        int at = view.l4Offset;
        int available = view.ipEnd - at;
        if (available < MIN_LENGTH) {
            return Malformed.BAD_TCP_HEADER;
        }
        int headerLength = (Bytes.u8(buf, at + 12) >>> 4) * 4;
        if (headerLength < MIN_LENGTH || headerLength > available) {
            return Malformed.BAD_TCP_HEADER;
        }
        view.srcPort = Bytes.u16(buf, at);
        view.dstPort = Bytes.u16(buf, at + 2);
        view.tcpSeq = Bytes.u32(buf, at + 4);
        view.tcpFlags = Bytes.u8(buf, at + 13);
        view.payloadOffset = at + headerLength;
        view.payloadLength = available - headerLength;
        view.payloadMissing = view.l4DeclaredLength - available;
        view.checksumEnd = view.ipEnd;
        return Malformed.NONE;
    }
}
