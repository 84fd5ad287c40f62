package org.nfqwall.nfq;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Netlink and nfnetlink_queue constants (linux/netlink.h, linux/netfilter/nfnetlink_queue.h) and
 * reads/writes of host-order fields in our big-endian buffers.
 *
 * <p>Netlink headers ({@code nlmsghdr}, {@code nlattr}) are in host order; nfqueue attribute
 * values (packet id, mark, interface indexes) are big-endian. Our buffers are big-endian so that
 * packet bytes read naturally; host-order fields go through {@link #getHostInt} and friends.
 */
final class Netlink {
    static final int NLMSG_HDRLEN = 16;
    static final int NLMSG_NOOP = 1;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_ACK = 0x4;
    /** struct nfgenmsg: family, version, be16 res_id (the queue number). */
    static final int NFGENMSG_LEN = 4;
    static final int NLA_HDRLEN = 4;
    /** Strips NLA_F_NESTED and NLA_F_NET_BYTEORDER from an attribute type. */
    static final int NLA_TYPE_MASK = 0x3FFF;

    static final int NETLINK_NETFILTER = 12;
    static final int NFNL_SUBSYS_QUEUE = 3;
    static final int NFQNL_MSG_PACKET = 0;
    static final int NFQNL_MSG_VERDICT = 1;
    static final int NFQNL_MSG_CONFIG = 2;
    static final int TYPE_PACKET = (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET;
    static final int TYPE_VERDICT = (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_VERDICT;

    static final int NFQA_PACKET_HDR = 1;
    static final int NFQA_VERDICT_HDR = 2;
    static final int NFQA_MARK = 3;
    static final int NFQA_IFINDEX_INDEV = 5;
    static final int NFQA_IFINDEX_OUTDEV = 6;
    static final int NFQA_PAYLOAD = 10;
    static final int NFQA_CAP_LEN = 13;
    static final int NFQA_SKB_INFO = 14;

    static final byte NFQNL_CFG_CMD_BIND = 1;
    static final byte NFQNL_CFG_CMD_UNBIND = 2;
    static final byte NFQNL_COPY_PACKET = 2;
    static final short NFQA_CFG_MASK = 4;
    static final short NFQA_CFG_FLAGS = 5;
    static final int NFQA_CFG_F_FAIL_OPEN = 1;
    static final int NFQA_CFG_F_GSO = 1 << 2;

    private static final boolean HOST_IS_BIG_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN;

    private Netlink() {
    }

    /** NLMSG_ALIGN / NLA_ALIGN: netlink messages and attributes start on 4-byte boundaries. */
    static int align4(int length) {
        return (length + 3) & ~3;
    }

    /** Network order for a value that native code stores in host order (nfqueue config flags are be32). */
    static int htonl(int value) {
        return HOST_IS_BIG_ENDIAN ? value : Integer.reverseBytes(value);
    }

    static int getHostInt(ByteBuffer bigEndian, int index) {
        int v = bigEndian.getInt(index);
        return HOST_IS_BIG_ENDIAN ? v : Integer.reverseBytes(v);
    }

    static int getHostShort(ByteBuffer bigEndian, int index) {
        short v = bigEndian.getShort(index);
        return (HOST_IS_BIG_ENDIAN ? v : Short.reverseBytes(v)) & 0xFFFF;
    }

    static void putHostInt(ByteBuffer bigEndian, int index, int value) {
        bigEndian.putInt(index, HOST_IS_BIG_ENDIAN ? value : Integer.reverseBytes(value));
    }

    static void putHostShort(ByteBuffer bigEndian, int index, int value) {
        short v = (short) value;
        bigEndian.putShort(index, HOST_IS_BIG_ENDIAN ? v : Short.reverseBytes(v));
    }

    /** Writes an {@code nlmsghdr} (host order, port id 0) at {@code index}. */
    static void putMessageHeader(ByteBuffer bigEndian, int index, int length, int type, int flags, int seq) {
        putHostInt(bigEndian, index, length);
        putHostShort(bigEndian, index + 4, type);
        putHostShort(bigEndian, index + 6, flags);
        putHostInt(bigEndian, index + 8, seq);
        putHostInt(bigEndian, index + 12, 0);
    }

    /** Writes an {@code nlattr} header for {@code payload} bytes at {@code index}; returns where the payload starts. */
    static int putAttributeHeader(ByteBuffer bigEndian, int index, int type, int payload) {
        putHostShort(bigEndian, index, NLA_HDRLEN + payload);
        putHostShort(bigEndian, index + 2, type);
        return index + NLA_HDRLEN;
    }
}
