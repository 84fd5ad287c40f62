package org.nfqwall.nfq;

import static org.nfqwall.nfq.Netlink.NFGENMSG_LEN;
import static org.nfqwall.nfq.Netlink.NFQA_MARK;
import static org.nfqwall.nfq.Netlink.NFQA_VERDICT_HDR;
import static org.nfqwall.nfq.Netlink.NLA_HDRLEN;
import static org.nfqwall.nfq.Netlink.NLMSG_HDRLEN;
import static org.nfqwall.nfq.Netlink.NLM_F_REQUEST;
import static org.nfqwall.nfq.Netlink.TYPE_VERDICT;
import static org.nfqwall.nfq.Netlink.putAttributeHeader;
import static org.nfqwall.nfq.Netlink.putMessageHeader;

import java.nio.ByteBuffer;

/**
 * Appends {@code NFQNL_MSG_VERDICT} messages one after another into a buffer, so a whole batch of
 * verdicts goes to the kernel in one {@code sendto} (the kernel handles every message of a
 * datagram in turn).
 *
 * <p>Built in Java rather than with {@code nfq_nlmsg_put} and {@code nfq_nlmsg_verdict_put}:
 * those would cost two or three native calls per packet, while the measured loop to match makes
 * two native calls per batch. Owned by the queue's thread; not thread-safe.
 */
final class VerdictWriter {
    /** nlmsghdr, nfgenmsg and NFQA_VERDICT_HDR: {@value} bytes. */
    static final int VERDICT_LENGTH = NLMSG_HDRLEN + NFGENMSG_LEN + NLA_HDRLEN + 8;
    /** A verdict with NFQA_MARK: {@value} bytes. */
    static final int VERDICT_WITH_MARK_LENGTH = VERDICT_LENGTH + NLA_HDRLEN + 4;

    private final ByteBuffer buffer;
    private final int queueNumber;
    private int length;
    private int count;

    /** Writes into {@code bigEndianBuffer} from index 0 on, for queue {@code queueNumber}. */
    VerdictWriter(ByteBuffer bigEndianBuffer, int queueNumber) {
        this.buffer = bigEndianBuffer;
        this.queueNumber = queueNumber;
    }

    /** True when one more verdict with a mark fits. */
    boolean hasRoom() {
        return buffer.capacity() - length >= VERDICT_WITH_MARK_LENGTH;
    }

    void add(int packetId, int verdict) {
        length = write(buffer, length, queueNumber, packetId, verdict, false, 0);
        count++;
    }

    void add(int packetId, int verdict, int mark) {
        length = write(buffer, length, queueNumber, packetId, verdict, true, mark);
        count++;
    }

    /** Bytes of pending messages, from index 0. */
    int length() {
        return length;
    }

    /** Pending verdict messages. */
    int count() {
        return count;
    }

    void clear() {
        length = 0;
        count = 0;
    }

    /**
     * Writes one verdict message at {@code index} and returns the index after it.
     *
     * <pre>
     *  nlmsghdr (host order)                nfgenmsg             NFQA_VERDICT_HDR               NFQA_MARK (if set)
     * +-----+------+-------+-----+-----+  +-----+-----+------+  +-----+-----+--------+------+  +-----+-----+------+
     * | len | type | flags | seq | pid |  | fam | ver |res_id|  | len | type|verdict |  id  |  | len | type| mark |
     * | u32 | u16  | u16   | u32 | u32 |  | u8  | u8  | be16 |  | u16 | u16 | be32   | be32 |  | u16 | u16 | be32 |
     * +-----+------+-------+-----+-----+  +-----+-----+------+  +-----+-----+--------+------+  +-----+-----+------+
     * </pre>
     *
     * <p>No NLM_F_ACK: an ACK per verdict would double the kernel's work and our reads; the kernel
     * still answers a failed verdict (unknown id) with NLMSG_ERROR, which the receive path counts.
     */
    static int write(ByteBuffer buf, int index, int queueNumber, int packetId, int verdict,
                     boolean withMark, int mark) {
        int messageLength = withMark ? VERDICT_WITH_MARK_LENGTH : VERDICT_LENGTH;
        putMessageHeader(buf, index, messageLength, TYPE_VERDICT, NLM_F_REQUEST, 0);
        int gen = index + NLMSG_HDRLEN;
        buf.put(gen, (byte) 0); // AF_UNSPEC
        buf.put(gen + 1, (byte) 0); // NFNETLINK_V0
        buf.putShort(gen + 2, (short) queueNumber);
        int attr = gen + NFGENMSG_LEN;
        int value = putAttributeHeader(buf, attr, NFQA_VERDICT_HDR, 8);
        buf.putInt(value, verdict);
        buf.putInt(value + 4, packetId);
        if (withMark) {
            buf.putInt(putAttributeHeader(buf, value + 8, NFQA_MARK, 4), mark);
        }
        return index + messageLength;
    }
}
