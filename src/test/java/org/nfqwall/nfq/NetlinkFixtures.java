package org.nfqwall.nfq;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;

/**
 * Netlink messages captured from the kernel (x86_64, so headers are little-endian) by a queue
 * reader in a test namespace, and helpers to lay them into direct buffers.
 */
final class NetlinkFixtures {
    /**
     * NFQNL_MSG_PACKET for "hello" sent over UDP to 127.0.0.1:9999, queue 7, hook OUTPUT (3),
     * packet id 1, mark 42, output interface 1 (lo), the whole 33-byte IPv4 packet as payload.
     */
    static final String PACKET = "55000000000300000000000000000000020000070b000100000000010800030008000600"
            + "00000001080003000000002a25000a00450000211fb5400040111d157f0000017f000001be33270f000dd8bc68656c6c6f";
    static final int PACKET_LENGTH = 85;
    /** Index of the payload (the IPv4 header) within {@link #PACKET}. */
    static final int PACKET_PAYLOAD_INDEX = 52;

    /** The same packet with a copy range of 20: NFQA_CAP_LEN 33, a 20-byte payload. */
    static final String CUT_PACKET = "50000000000300000000000000000000020000070b0001000000000108000300080006"
            + "0000000001080003000000002a08000d000000002118000a004500002134e34000401107e77f0000017f000001";

    /** A packet message with only NFQA_PACKET_HDR (id 0x01020304, hook 1): no mark, no interfaces, no payload. */
    static final String HEADER_ONLY_PACKET = "20000000000300000000000000000000020000070b0001000102030408000100";

    /** NLMSG_ERROR answering seq 9 with -ENOENT (-2), as for a verdict on an unknown packet id. */
    static final String ERROR_REPLY = "24000000020000000900000000000000feffffff20000000010305000900000000000000";

    /** NLMSG_ERROR with error 0 (an ACK) for seq 3. */
    static final String ACK = "240000000200000003000000000000000000000020000000020305000300000000000000";

    /** NLMSG_NOOP: a bare header. */
    static final String NOOP = "10000000010000000000000000000000";

    private NetlinkFixtures() {
    }

    /**
     * An NFQNL_MSG_PACKET laid out as the kernel's {@code nfqnl_build_packet_message} lays it
     * (x86_64: netlink headers little-endian, values big-endian): NFQA_PACKET_HDR (IPv4,
     * hook FORWARD 2), NFQA_IFINDEX_INDEV 2, NFQA_MARK, then NFQA_CAP_LEN when
     * {@code wireLength} exceeds the copy, NFQA_SKB_INFO when {@code skbInfo} is not 0, and
     * NFQA_PAYLOAD with {@code ip[0, copied)}.
     */
    static String packetMessage(int queue, int packetId, int mark, byte[] ip, int copied, int wireLength, int skbInfo) {
        ByteBuffer m = ByteBuffer.allocate(96 + ((copied + 3) & ~3)).order(ByteOrder.LITTLE_ENDIAN);
        m.position(Netlink.NLMSG_HDRLEN);
        m.put((byte) 2).put((byte) 0).order(ByteOrder.BIG_ENDIAN).putShort((short) queue).order(ByteOrder.LITTLE_ENDIAN);
        attribute(m, Netlink.NFQA_PACKET_HDR, 7).order(ByteOrder.BIG_ENDIAN).putInt(packetId).putShort((short) 0x0800)
                .put((byte) 2).put((byte) 0).order(ByteOrder.LITTLE_ENDIAN);
        attribute(m, Netlink.NFQA_IFINDEX_INDEV, 4).order(ByteOrder.BIG_ENDIAN).putInt(2).order(ByteOrder.LITTLE_ENDIAN);
        attribute(m, Netlink.NFQA_MARK, 4).order(ByteOrder.BIG_ENDIAN).putInt(mark).order(ByteOrder.LITTLE_ENDIAN);
        if (wireLength > copied) {
            attribute(m, Netlink.NFQA_CAP_LEN, 4).order(ByteOrder.BIG_ENDIAN).putInt(wireLength).order(ByteOrder.LITTLE_ENDIAN);
        }
        if (skbInfo != 0) {
            attribute(m, Netlink.NFQA_SKB_INFO, 4).order(ByteOrder.BIG_ENDIAN).putInt(skbInfo).order(ByteOrder.LITTLE_ENDIAN);
        }
        attribute(m, Netlink.NFQA_PAYLOAD, copied).put(ip, 0, copied);
        m.position(Netlink.align4(m.position()));
        int length = m.position();
        m.putInt(0, length).putShort(4, (short) Netlink.TYPE_PACKET).putShort(6, (short) 0).putInt(8, 0).putInt(12, 0);
        return HexFormat.of().formatHex(m.array(), 0, length);
    }

    /** Starts an attribute of {@code valueLength} bytes at the next 4-byte boundary; the buffer is then at its value. */
    private static ByteBuffer attribute(ByteBuffer m, int type, int valueLength) {
        m.position(Netlink.align4(m.position()));
        return m.putShort((short) (Netlink.NLA_HDRLEN + valueLength)).putShort((short) type);
    }

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    /** A big-endian direct buffer of {@code capacity} bytes with {@code hex} written at {@code index}. */
    static ByteBuffer direct(int capacity, int index, String hex) {
        ByteBuffer buf = ByteBuffer.allocateDirect(capacity).order(ByteOrder.BIG_ENDIAN);
        buf.put(index, bytes(hex));
        return buf;
    }

    /** Writes {@code hex} into the buffer at {@code index} and returns the index after it. */
    static int write(ByteBuffer buf, int index, String hex) {
        byte[] b = bytes(hex);
        buf.put(index, b);
        return index + b.length;
    }

    static String hex(ByteBuffer buf, int from, int to) {
        byte[] b = new byte[to - from];
        buf.get(from, b);
        return HexFormat.of().formatHex(b);
    }
}
