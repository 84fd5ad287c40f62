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
