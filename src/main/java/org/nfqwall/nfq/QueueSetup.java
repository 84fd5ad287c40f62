package org.nfqwall.nfq;

import static org.nfqwall.nfq.Netlink.NFQA_CFG_FLAGS;
import static org.nfqwall.nfq.Netlink.NFQA_CFG_F_FAIL_OPEN;
import static org.nfqwall.nfq.Netlink.NFQA_CFG_F_GSO;
import static org.nfqwall.nfq.Netlink.NFQA_CFG_MASK;
import static org.nfqwall.nfq.Netlink.NFQNL_CFG_CMD_BIND;
import static org.nfqwall.nfq.Netlink.NFQNL_CFG_CMD_UNBIND;
import static org.nfqwall.nfq.Netlink.NFQNL_COPY_PACKET;
import static org.nfqwall.nfq.Netlink.NFQNL_MSG_CONFIG;
import static org.nfqwall.nfq.Netlink.NLM_F_ACK;
import static org.nfqwall.nfq.Netlink.getHostInt;
import static org.nfqwall.nfq.Netlink.getHostShort;
import static org.nfqwall.nfq.Netlink.htonl;
import static org.nfqwall.nfq.Netlink.putHostInt;
import static org.nfqwall.nfq.Netlink.putHostShort;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The setup of a {@link QueueSocket}: socket options, then the configuration messages, each
 * built with libnetfilter_queue's {@code nfq_nlmsg_*} and acknowledged by the kernel, so a refusal
 * names the step that failed. Runs once on the opening thread; allocates freely.
 *
 * <p>The queue is asked for {@code NFQA_CFG_F_GSO}: without it the kernel segments every GSO/GRO
 * super-packet in software before queueing it (and fills in offloaded checksums), which costs a
 * queue round trip per segment. With it a super-packet is queued whole, up to 64 KiB, and may be
 * cut to the copy range (NFQA_CAP_LEN says how long it was); NFQA_SKB_INFO then says when its
 * checksum is not computed yet. A kernel that refuses the flag (EOPNOTSUPP, EINVAL) gets the
 * setup without it: {@link QueueSocket#gsoRefusal()} says why.
 */
final class QueueSetup {
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVBUF = 8;
    private static final int SO_RCVTIMEO = 20;
    private static final int SO_RCVBUFFORCE = 33;
    private static final int EPERM = 1;
    private static final int EINVAL = 22;
    private static final int EOPNOTSUPP = 95;
    /** Room for any configuration message (header, nfgenmsg and three small attributes). */
    private static final int REQUEST_BYTES = 256;
    /** Datagrams read while waiting for one ACK before giving up: {@value}. */
    private static final int MAX_DATAGRAMS_BEFORE_ACK = 10_000;

    private final QueueSocket queue;
    private final Native.LibNfq nfq;
    private final QueueConfig config;
    private final ByteBuffer request = ByteBuffer.allocateDirect(REQUEST_BYTES).order(ByteOrder.BIG_ENDIAN);
    private final long requestAddress = Native.addressOf(request);
    private final ByteBuffer option = ByteBuffer.allocateDirect(32).order(ByteOrder.nativeOrder());
    private final long optionAddress = Native.addressOf(option);
    private int sequence;
    /** Where ACKs are read and early packets answered; allocated by the first request. */
    private PacketBatch scratch;
    private ByteBuffer repeat;
    private long repeatAddress;

    QueueSetup(QueueSocket queue, Native.LibNfq nfq) {
        this.queue = queue;
        this.nfq = nfq;
        this.config = queue.config();
    }

    /** Socket options first, so the buffer is in place and ACK waits are bounded once packets flow. */
    void run() throws NfqException {
        setReceiveBuffer();
        setReceiveTimeout();
        request("nfq_nlmsg_cfg_put_cmd", nlh -> nfq.nfq_nlmsg_cfg_put_cmd(nlh, (short) 0, NFQNL_CFG_CMD_BIND));
        request("nfq_nlmsg_cfg_put_params",
                nlh -> nfq.nfq_nlmsg_cfg_put_params(nlh, NFQNL_COPY_PACKET, config.copyRange()));
        request("nfq_nlmsg_cfg_put_qmaxlen", nlh -> nfq.nfq_nlmsg_cfg_put_qmaxlen(nlh, config.maxQueueLength()));
        int failOpen = config.failOpen() ? NFQA_CFG_F_FAIL_OPEN : 0;
        try {
            putFlags(failOpen | NFQA_CFG_F_GSO, NFQA_CFG_F_FAIL_OPEN | NFQA_CFG_F_GSO);
        } catch (NfqException e) {
            if (e.errno() != EOPNOTSUPP && e.errno() != EINVAL) {
                throw e;
            }
            // A kernel without the flag refuses the whole message, so fail-open is set again alone.
            putFlags(failOpen, NFQA_CFG_F_FAIL_OPEN);
            queue.setGsoRefusal(e.getMessage());
        }
    }

    /** Sets the queue flags in {@code mask} to their values in {@code flags} (both be32 on the wire). */
    private void putFlags(int flags, int mask) throws NfqException {
        request("mnl_attr_put_u32", nlh -> {
            queue.mnl().mnl_attr_put_u32(nlh, NFQA_CFG_FLAGS, htonl(flags));
            queue.mnl().mnl_attr_put_u32(nlh, NFQA_CFG_MASK, htonl(mask));
        });
    }

    /** Sends NFQNL_CFG_CMD_UNBIND without waiting for the ACK (closing must not block). */
    void unbind() {
        long nlh = nfq.nfq_nlmsg_put(requestAddress, NFQNL_MSG_CONFIG, config.queueNumber());
        nfq.nfq_nlmsg_cfg_put_cmd(nlh, (short) 0, NFQNL_CFG_CMD_UNBIND);
        queue.mnl().mnl_socket_sendto(queue.socket(), requestAddress, getHostInt(request, 0));
    }

    private void setReceiveBuffer() throws NfqException {
        Native.LibC libc = queue.libc();
        option.putInt(0, config.socketReceiveBufferBytes());
        boolean forced = libc.setsockopt(queue.fd(), SOL_SOCKET, SO_RCVBUFFORCE, optionAddress, 4) == 0;
        if (!forced) {
            int errno = Native.lastErrno();
            if (errno != EPERM) {
                throw QueueSocket.failure(libc, "setsockopt(SO_RCVBUFFORCE)", errno);
            }
            if (libc.setsockopt(queue.fd(), SOL_SOCKET, SO_RCVBUF, optionAddress, 4) != 0) {
                throw QueueSocket.failure(libc, "setsockopt(SO_RCVBUF)");
            }
        }
        option.putInt(8, 4);
        if (libc.getsockopt(queue.fd(), SOL_SOCKET, SO_RCVBUF, optionAddress, optionAddress + 8) != 0) {
            throw QueueSocket.failure(libc, "getsockopt(SO_RCVBUF)");
        }
        queue.setReceiveBuffer(forced, option.getInt(0));
    }

    /** struct timeval { long tv_sec; long tv_usec; } */
    private void setReceiveTimeout() throws NfqException {
        int millis = config.receiveTimeoutMillis();
        option.putLong(0, millis / 1000);
        option.putLong(8, (millis % 1000) * 1000L);
        if (queue.libc().setsockopt(queue.fd(), SOL_SOCKET, SO_RCVTIMEO, optionAddress, 16) != 0) {
            throw QueueSocket.failure(queue.libc(), "setsockopt(SO_RCVTIMEO)");
        }
    }

    /** Builds a NFQNL_MSG_CONFIG message for the queue with {@code body}, asks for an ACK, sends it, awaits the ACK. */
    private void request(String function, MessageBody body) throws NfqException {
        request.clear();
        long nlh = nfq.nfq_nlmsg_put(requestAddress, NFQNL_MSG_CONFIG, config.queueNumber());
        body.put(nlh);
        int seq = ++sequence;
        putHostShort(request, 6, getHostShort(request, 6) | NLM_F_ACK);
        putHostInt(request, 8, seq);
        int length = getHostInt(request, 0);
        if (queue.mnl().mnl_socket_sendto(queue.socket(), requestAddress, length) < 0) {
            throw QueueSocket.failure(queue.libc(), "mnl_socket_sendto");
        }
        awaitAck(function, seq);
    }

    /**
     * Reads until the ACK (or error) for {@code seq}. Packets can already arrive once the queue is
     * bound; they get NF_REPEAT, which sends them through the hook again, to be queued anew once
     * the setup is done: the binding makes no decision of its own.
     */
    private void awaitAck(String function, int seq) throws NfqException {
        if (scratch == null) {
            scratch = PacketBatch.allocate(1, config.copyRange());
            repeat = ByteBuffer.allocateDirect(VerdictWriter.VERDICT_LENGTH).order(ByteOrder.BIG_ENDIAN);
            repeatAddress = Native.addressOf(repeat);
        }
        for (int datagram = 0; datagram < MAX_DATAGRAMS_BEFORE_ACK; datagram++) {
            long received = queue.mnl().mnl_socket_recvfrom(queue.socket(), scratch.slotAddress(0), scratch.slotSize());
            if (received < 0) {
                int errno = Native.lastErrno();
                if (errno == QueueSocket.EINTR || errno == QueueSocket.ENOBUFS) {
                    continue;
                }
                if (errno == QueueSocket.EAGAIN) {
                    throw new NfqException("no answer from the kernel to " + function + " within "
                            + config.receiveTimeoutMillis() + " ms");
                }
                throw QueueSocket.failure(queue.libc(), "mnl_socket_recvfrom", errno);
            }
            scratch.reset();
            NfqMessageParser.parseDatagram(scratch.buffer(), 0, (int) received, scratch);
            for (int i = 0; i < scratch.size(); i++) {
                int length = VerdictWriter.write(repeat, 0, config.queueNumber(), scratch.packetId(i),
                        Verdicts.REPEAT, false, 0);
                queue.mnl().mnl_socket_sendto(queue.socket(), repeatAddress, length);
            }
            if (scratch.sawErrorMessage && scratch.lastErrorSeq == seq) {
                if (scratch.lastError != 0) {
                    throw QueueSocket.failure(queue.libc(), function, -scratch.lastError);
                }
                return;
            }
        }
        throw new NfqException("no answer from the kernel to " + function + " after "
                + MAX_DATAGRAMS_BEFORE_ACK + " messages");
    }

    /** Adds attributes to the message at {@code nlh}. */
    @FunctionalInterface
    private interface MessageBody {
        void put(long nlh);
    }
}
