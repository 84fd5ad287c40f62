package org.nfqwall.nfq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nfqwall.nfq.NetlinkFixtures.CUT_PACKET;
import static org.nfqwall.nfq.NetlinkFixtures.ERROR_REPLY;
import static org.nfqwall.nfq.NetlinkFixtures.PACKET;
import static org.nfqwall.nfq.NetlinkFixtures.write;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;
import org.nfqwall.testing.Allocations;

/**
 * Proves that the per-batch and per-packet work of a queue allocates nothing: 100,000 iterations
 * measured with the thread's allocation counter, after as many to warm up.
 */
class HotPathAllocationTest {
    private static final int ITERATIONS = 100_000;
    private static final int MSG_DONTWAIT = 0x40;

    @Test
    void buildingVerdictsAndParsingPacketsAllocatesNothing() {
        PacketBatch batch = PacketBatch.allocate(4, 256);
        ByteBuffer buf = batch.buffer();
        int first = batch.slotOffset(0);
        int firstEnd = write(buf, first, PACKET);
        int second = batch.slotOffset(1);
        int secondEnd = write(buf, write(buf, second, CUT_PACKET), ERROR_REPLY);
        ByteBuffer pending = ByteBuffer.allocateDirect(4 * VerdictWriter.VERDICT_WITH_MARK_LENGTH)
                .order(ByteOrder.BIG_ENDIAN);
        VerdictWriter writer = new VerdictWriter(pending, 7);

        long[] sum = {parseAndAnswer(batch, first, firstEnd, second, secondEnd, writer)};
        long allocated = Allocations.leastPerRound(
                () -> sum[0] += parseAndAnswer(batch, first, firstEnd, second, secondEnd, writer));

        assertEquals(0, allocated, "bytes allocated over " + ITERATIONS + " batches, least of the rounds");
        assertNotEquals(0, sum[0]);
    }

    private static long parseAndAnswer(PacketBatch batch, int first, int firstEnd, int second, int secondEnd,
                                       VerdictWriter writer) {
        ByteBuffer buf = batch.buffer();
        long sum = 0;
        for (int n = 0; n < ITERATIONS; n++) {
            batch.reset();
            NfqMessageParser.parseDatagram(buf, first, firstEnd - first, batch);
            NfqMessageParser.parseDatagram(buf, second, secondEnd - second, batch);
            writer.clear();
            for (int i = 0; i < batch.size(); i++) {
                sum += buf.get(batch.payloadOffset(i)) + batch.capturedLength(i) + batch.inputInterface(i);
                writer.add(batch.packetId(i), Verdicts.ACCEPT, batch.mark(i) | 5);
            }
            sum += writer.length() + batch.errorReplies;
        }
        return sum;
    }

    /**
     * The two native calls of a batch, through JNR, against the real kernel: verdicts sent with
     * {@code mnl_socket_sendto} on an unbound netfilter socket come back as NLMSG_ERROR replies
     * (no such queue, or not permitted), read with {@code recvmmsg} and parsed.
     */
    @Test
    void theNativeCallsOfABatchAllocateNothing() throws NfqException {
        Native.LibC libc = Native.libc();
        Native.LibMnl mnl = Native.mnl();
        long socket = mnl.mnl_socket_open(Netlink.NETLINK_NETFILTER);
        assertNotEquals(0, socket, "mnl_socket_open");
        try {
            assertEquals(0, mnl.mnl_socket_bind(socket, 0, 0), "mnl_socket_bind");
            int fd = mnl.mnl_socket_get_fd(socket);
            PacketBatch batch = PacketBatch.allocate(8, 256);
            ByteBuffer pending = ByteBuffer.allocateDirect(4 * VerdictWriter.VERDICT_WITH_MARK_LENGTH)
                    .order(ByteOrder.BIG_ENDIAN);
            long pendingAddress = Native.addressOf(pending);
            VerdictWriter writer = new VerdictWriter(pending, 65000);

            long[] replies = {sendAndReceive(libc, mnl, socket, fd, batch, writer, pendingAddress)};
            long allocated = Allocations.leastPerRound(
                    () -> replies[0] += sendAndReceive(libc, mnl, socket, fd, batch, writer, pendingAddress));

            assertEquals(0, allocated, "bytes allocated over " + ITERATIONS + " sendto+recvmmsg, least of the rounds");
            assertTrue(replies[0] > 0, "the kernel answered the verdicts");
        } finally {
            mnl.mnl_socket_close(socket);
        }
    }

    private static long sendAndReceive(Native.LibC libc, Native.LibMnl mnl, long socket, int fd, PacketBatch batch,
                                       VerdictWriter writer, long pendingAddress) {
        long replies = 0;
        for (int n = 0; n < ITERATIONS; n++) {
            writer.clear();
            writer.add(n, Verdicts.ACCEPT, 5);
            if (mnl.mnl_socket_sendto(socket, pendingAddress, writer.length()) < 0) {
                replies -= Native.lastErrno();
            }
            int messages = libc.recvmmsg(fd, batch.mmsghdrAddress(), batch.slots(), MSG_DONTWAIT, 0L);
            if (messages < 0) {
                replies -= Native.lastErrno();
                continue;
            }
            batch.reset();
            for (int slot = 0; slot < messages; slot++) {
                NfqMessageParser.parseDatagram(batch.buffer(), batch.slotOffset(slot), batch.receivedLength(slot), batch);
            }
            replies += batch.errorReplies;
        }
        return replies;
    }
}
