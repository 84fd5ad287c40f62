package org.nfqwall.nfq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nfqwall.nfq.NetlinkFixtures.hex;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.types.intptr_t;
import org.junit.jupiter.api.Test;

class VerdictWriterTest {
    /** ACCEPT for packet 42 of queue 7: nlmsghdr (len 32, type 0x301, NLM_F_REQUEST), nfgenmsg, NFQA_VERDICT_HDR. */
    private static final String ACCEPT_42 = "20000000010301000000000000000000" + "00000007" + "0c000200000000010000002a";
    /** DROP for packet 0x01020304 of queue 7 with NFQA_MARK 5. */
    private static final String DROP_MARKED = "28000000010301000000000000000000" + "00000007"
            + "0c0002000000000001020304" + "0800030000000005";

    private final ByteBuffer buf = ByteBuffer.allocateDirect(2 * VerdictWriter.VERDICT_WITH_MARK_LENGTH)
            .order(ByteOrder.BIG_ENDIAN);
    private final VerdictWriter writer = new VerdictWriter(buf, 7);

    @Test
    void writesAVerdictMessage() {
        writer.add(42, Verdicts.ACCEPT);
        assertEquals(VerdictWriter.VERDICT_LENGTH, writer.length());
        assertEquals(ACCEPT_42, hex(buf, 0, writer.length()));
    }

    @Test
    void writesTheMarkAttribute() {
        writer.add(0x01020304, Verdicts.DROP, 5);
        assertEquals(DROP_MARKED, hex(buf, 0, writer.length()));
    }

    @Test
    void appendsMessagesBackToBack() {
        writer.add(42, Verdicts.ACCEPT);
        writer.add(0x01020304, Verdicts.DROP, 5);
        assertEquals(2, writer.count());
        assertEquals(ACCEPT_42 + DROP_MARKED, hex(buf, 0, writer.length()));
    }

    @Test
    void hasRoomUntilTheBufferIsFull() {
        writer.add(1, Verdicts.ACCEPT, 1);
        assertTrue(writer.hasRoom());
        writer.add(2, Verdicts.ACCEPT, 1);
        assertFalse(writer.hasRoom());
    }

    @Test
    void clearEmptiesThePendingMessages() {
        writer.add(1, Verdicts.ACCEPT);
        writer.clear();
        assertEquals(0, writer.length());
        assertEquals(0, writer.count());
        assertTrue(writer.hasRoom());
    }

    @Test
    void writesTheQueueNumberBigEndian() {
        new VerdictWriter(buf, 0x1234).add(1, Verdicts.ACCEPT);
        assertEquals(0x1234, buf.getShort(18));
    }

    /** libnetfilter_queue's own builders, to compare bytes with; test-only. */
    public interface NfqBuilders {
        // struct nlmsghdr *nfq_nlmsg_put(char *buf, int type, uint32_t queue_num);
        @IgnoreError
        @intptr_t long nfq_nlmsg_put(@intptr_t long buf, int type, int queueNum);

        // void nfq_nlmsg_verdict_put(struct nlmsghdr *nlh, int id, int verdict);
        @IgnoreError
        void nfq_nlmsg_verdict_put(@intptr_t long nlh, int id, int verdict);

        // void nfq_nlmsg_verdict_put_mark(struct nlmsghdr *nlh, uint32_t mark);
        @IgnoreError
        void nfq_nlmsg_verdict_put_mark(@intptr_t long nlh, int mark);
    }

    @Test
    void writesTheSameBytesAsLibnetfilterQueue() {
        NfqBuilders nfq = LibraryLoader.create(NfqBuilders.class).failImmediately().load(Native.LIBNFQ);
        ByteBuffer theirs = ByteBuffer.allocateDirect(256).order(ByteOrder.BIG_ENDIAN);
        long address = Native.addressOf(theirs);
        long nlh = nfq.nfq_nlmsg_put(address, Netlink.NFQNL_MSG_VERDICT, 7);
        nfq.nfq_nlmsg_verdict_put(nlh, 0x01020304, Verdicts.DROP);
        nfq.nfq_nlmsg_verdict_put_mark(nlh, 5);
        int length = Netlink.getHostInt(theirs, 0);

        writer.add(0x01020304, Verdicts.DROP, 5);
        assertEquals(hex(theirs, 0, length), hex(buf, 0, writer.length()));
    }
}
