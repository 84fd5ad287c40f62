package org.nfqwall.nfq;

import static org.nfqwall.nfq.Netlink.NFGENMSG_LEN;
import static org.nfqwall.nfq.Netlink.NFQA_CAP_LEN;
import static org.nfqwall.nfq.Netlink.NFQA_IFINDEX_INDEV;
import static org.nfqwall.nfq.Netlink.NFQA_IFINDEX_OUTDEV;
import static org.nfqwall.nfq.Netlink.NFQA_MARK;
import static org.nfqwall.nfq.Netlink.NFQA_PACKET_HDR;
import static org.nfqwall.nfq.Netlink.NFQA_PAYLOAD;
import static org.nfqwall.nfq.Netlink.NFQA_SKB_INFO;
import static org.nfqwall.nfq.Netlink.NLA_HDRLEN;
import static org.nfqwall.nfq.Netlink.NLA_TYPE_MASK;
import static org.nfqwall.nfq.Netlink.NLMSG_ERROR;
import static org.nfqwall.nfq.Netlink.NLMSG_HDRLEN;
import static org.nfqwall.nfq.Netlink.TYPE_PACKET;
import static org.nfqwall.nfq.Netlink.align4;
import static org.nfqwall.nfq.Netlink.getHostInt;
import static org.nfqwall.nfq.Netlink.getHostShort;

import java.nio.ByteBuffer;

/**
 * Reads the netlink messages of one received datagram into a {@link PacketBatch}, in place: no
 * copies, no objects, every read bounds-checked first. Malformed messages are counted, never
 * thrown.
 */
final class NfqMessageParser {
    /** struct nlmsgerr: int error, then the request's nlmsghdr (whose seq we match ACKs by). */
    private static final int NLMSGERR_SEQ = NLMSG_HDRLEN + 4 + 8;
    /** struct nfqnl_msg_packet_hdr: be32 packet_id, be16 hw_protocol, u8 hook. */
    private static final int PACKET_HDR_LENGTH = 7;

    private NfqMessageParser() {
    }

    /**
     * Parses the netlink messages in {@code buf[offset, offset+length)}: each NFQNL_MSG_PACKET
     * becomes the batch's next packet; NLMSG_ERROR messages are recorded (an ACK is one with
     * error 0); other types (NOOP, DONE) are skipped.
     *
     * <pre>
     * RFC 3549 section 2.3.2; linux/netlink.h (host order)
     *  0               4       6       8               12              16
     * +---------------+-------+-------+---------------+---------------+----------------
     * | nlmsg_len     | type  | flags | seq           | pid           | payload ...
     * +---------------+-------+-------+---------------+---------------+----------------
     * each message starts on a 4-byte boundary; nlmsg_len includes the header
     * </pre>
     */
    static void parseDatagram(ByteBuffer buf, int offset, int length, PacketBatch batch) {
        int end = offset + length;
        int at = offset;
        while (end - at >= NLMSG_HDRLEN) {
            int messageLength = getHostInt(buf, at);
            if (messageLength < NLMSG_HDRLEN || messageLength > end - at) {
                batch.malformed++;
                return;
            }
            int type = getHostShort(buf, at + 4);
            if (type == TYPE_PACKET) {
                parsePacket(buf, at, messageLength, batch);
            } else if (type == NLMSG_ERROR) {
                parseError(buf, at, messageLength, batch);
            }
            at += align4(messageLength);
        }
    }

    /**
     * One NFQNL_MSG_PACKET: the nfgenmsg, then attributes.
     *
     * <pre>
     * linux/netfilter/nfnetlink_queue.h; nlattr from linux/netlink.h (len and type host order)
     *  nlmsghdr (16) | nfgenmsg (4) | nlattr | nlattr | ...
     *  nlattr:  +-------+-------+------------------+---------+
     *           | len   | type  | value (len - 4)  | pad to 4|
     *           | u16   | u16   |                  |         |
     *           +-------+-------+------------------+---------+
     *  NFQA_PACKET_HDR value: be32 packet_id, be16 hw_protocol, u8 hook
     *  NFQA_MARK, NFQA_IFINDEX_INDEV/OUTDEV, NFQA_CAP_LEN, NFQA_SKB_INFO value: be32
     *  NFQA_PAYLOAD value: the packet from its IP header on
     * </pre>
     */
    private static void parsePacket(ByteBuffer buf, int message, int messageLength, PacketBatch batch) {
        if (messageLength < NLMSG_HDRLEN + NFGENMSG_LEN) {
            batch.malformed++;
            return;
        }
        if (batch.size == batch.capacity()) {
            // The kernel sends one packet per datagram, so a batch holds as many packets as slots.
            batch.malformed++;
            return;
        }
        boolean haveHeader = false;
        int packetId = 0;
        int hook = 0;
        int mark = 0;
        int payloadOffset = 0;
        int payloadLength = 0;
        int capturedLength = -1;
        int skbInfo = 0;
        int inputInterface = 0;
        int outputInterface = 0;
        int end = message + messageLength;
        int at = message + NLMSG_HDRLEN + NFGENMSG_LEN;
        while (end - at >= NLA_HDRLEN) {
            int attrLength = getHostShort(buf, at);
            if (attrLength < NLA_HDRLEN || attrLength > end - at) {
                batch.malformed++;
                return;
            }
            int type = getHostShort(buf, at + 2) & NLA_TYPE_MASK;
            int value = at + NLA_HDRLEN;
            int valueLength = attrLength - NLA_HDRLEN;
            if (type == NFQA_PACKET_HDR) {
                if (valueLength < PACKET_HDR_LENGTH) {
                    batch.malformed++;
                    return;
                }
                packetId = buf.getInt(value);
                hook = buf.get(value + 6) & 0xFF;
                haveHeader = true;
            } else if (type == NFQA_PAYLOAD) {
                payloadOffset = value;
                payloadLength = valueLength;
            } else if (type == NFQA_MARK || type == NFQA_IFINDEX_INDEV || type == NFQA_IFINDEX_OUTDEV
                    || type == NFQA_CAP_LEN || type == NFQA_SKB_INFO) {
                if (valueLength < 4) {
                    batch.malformed++;
                    return;
                }
                int v = buf.getInt(value);
                if (type == NFQA_MARK) {
                    mark = v;
                } else if (type == NFQA_IFINDEX_INDEV) {
                    inputInterface = v;
                } else if (type == NFQA_IFINDEX_OUTDEV) {
                    outputInterface = v;
                } else if (type == NFQA_SKB_INFO) {
                    skbInfo = v;
                } else {
                    capturedLength = v;
                }
            }
            at += align4(attrLength);
        }
        if (!haveHeader) {
            batch.malformed++;
            return;
        }
        int i = batch.size++;
        batch.packetIds[i] = packetId;
        batch.hooks[i] = hook;
        batch.marks[i] = mark;
        batch.payloadOffsets[i] = payloadOffset;
        batch.payloadLengths[i] = payloadLength;
        batch.capturedLengths[i] = capturedLength < 0 ? payloadLength : capturedLength;
        batch.inputInterfaces[i] = inputInterface;
        batch.outputInterfaces[i] = outputInterface;
        batch.skbInfos[i] = skbInfo;
    }

    /** NLMSG_ERROR: int error (0 for an ACK, else -errno), then the header of the request. */
    private static void parseError(ByteBuffer buf, int message, int messageLength, PacketBatch batch) {
        if (messageLength < NLMSG_HDRLEN + 4) {
            batch.malformed++;
            return;
        }
        int error = getHostInt(buf, message + NLMSG_HDRLEN);
        batch.sawErrorMessage = true;
        batch.lastError = error;
        batch.lastErrorSeq = messageLength >= NLMSGERR_SEQ + 4 ? getHostInt(buf, message + NLMSGERR_SEQ) : 0;
        if (error != 0) {
            batch.errorReplies++;
        }
    }
}
