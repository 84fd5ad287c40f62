package org.nfqwall.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StreamReassemblerTest {
    private static final long ISN = 0xFFFFFFF0L; // wraps around within the first segment

    private BufferPool pool;
    private StreamReassembler r;

    @BeforeEach
    void setUp() {
        pool = new BufferPool(64, 4);
        r = new StreamReassembler(pool);
        r.start(ISN);
    }

    private int offer(int offset, String text) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer direct = ByteBuffer.allocateDirect(b.length + 3);
        direct.position(3);
        direct.put(b);
        return r.offer((ISN + offset) & 0xFFFFFFFFL, direct, 3, b.length);
    }

    private String held() {
        return r.length() == 0 ? "" : new String(r.data(), 0, r.length(), StandardCharsets.ISO_8859_1);
    }

    private boolean passUncaptured(int offset, int len) {
        return r.passUncaptured((ISN + offset) & 0xFFFFFFFFL, len);
    }

    @Test
    void uncapturedBytesInsideASkippedBodyMoveTheStreamOn() {
        offer(0, "HEAD");
        r.consume(4);
        r.skip(100);
        offer(4, "0123456789");
        assertTrue(passUncaptured(14, 90));
        assertEquals(104, r.expectedOffset());
        assertEquals(StreamReassembler.IN_ORDER, offer(104, "GET"));
        assertEquals("GET", held());
    }

    @Test
    void uncapturedBytesBeyondASkippedBodyAreNeeded() {
        offer(0, "HEAD");
        r.consume(4);
        r.skip(10);
        offer(4, "0123");
        assertFalse(passUncaptured(8, 20));
        assertEquals(8, r.expectedOffset(), "the stream waits for the bytes again");
        assertEquals(StreamReassembler.OLD, offer(4, "0123"));
    }

    @Test
    void uncapturedBytesOfAHeadAreNeeded() {
        offer(0, "GET / HT");
        assertFalse(passUncaptured(8, 10));
        assertEquals("GET / HT", held());
    }

    @Test
    void uncapturedBytesAfterAGapAreNeededAndOldOnesAreNot() {
        offer(0, "GET");
        r.skip(100);
        assertFalse(passUncaptured(50, 10), "bytes 3..50 have not arrived");
        assertTrue(passUncaptured(0, 3), "old bytes");
        assertEquals(3, r.expectedOffset());
    }

    @Test
    void appendsInOrderSegmentsAcrossSequenceWrap() {
        assertEquals(StreamReassembler.IN_ORDER, offer(0, "GET /a"));
        assertEquals(StreamReassembler.IN_ORDER, offer(6, " HTTP/1.1\r\n"));
        assertEquals("GET /a HTTP/1.1\r\n", held());
    }

    @Test
    void holdsOutOfOrderSegmentUntilGapIsFilled() {
        assertEquals(StreamReassembler.HELD, offer(4, "/b"));
        assertEquals("", held());
        assertEquals(StreamReassembler.IN_ORDER, offer(0, "GET "));
        assertEquals("GET /b", held());
    }

    @Test
    void ignoresIdenticalRetransmissionAndFlagsDifferentOne() {
        offer(0, "GET /ok");
        assertEquals(StreamReassembler.OLD, offer(0, "GET /ok"));
        assertEquals(StreamReassembler.CONFLICT, offer(4, "/no"));
        assertEquals("GET /ok", held());
    }

    @Test
    void trimsPartialOverlapAndKeepsNewBytes() {
        offer(0, "GET /a");
        assertEquals(StreamReassembler.IN_ORDER, offer(4, "/a/b"));
        assertEquals("GET /a/b", held());
    }

    @Test
    void firstCopyOfHeldOutOfOrderBytesWins() {
        offer(4, "/b");
        assertEquals(StreamReassembler.CONFLICT, offer(4, "/c"));
        assertEquals(StreamReassembler.CONFLICT, offer(0, "GET /c"));
        offer(0, "GET ");
        assertEquals("GET /b", held());
    }

    @Test
    void consumeReleasesBufferWhenEmpty() {
        offer(0, "abc");
        assertEquals(1, pool.inUse());
        r.consume(3);
        assertEquals(0, pool.inUse());
        assertNull(r.data());
        offer(3, "d");
        assertEquals("d", held());
    }

    @Test
    void skipsBodyBytesWithoutStoringThem() {
        offer(0, "HEAD12345");
        r.consume(4);
        r.skip(10); // 5 held + 5 still to come
        assertEquals("", held());
        assertEquals(StreamReassembler.IN_ORDER, offer(9, "67890NEXT"));
        assertEquals("NEXT", held());
    }

    @Test
    void outOfOrderSegmentInsideSkippedBodyIsTrackedNotStored() {
        r.skip(10);
        assertEquals(StreamReassembler.HELD, offer(5, "56789AB"));
        assertEquals(StreamReassembler.IN_ORDER, offer(0, "01234"));
        assertEquals("AB", held());
    }

    @Test
    void refusesSegmentBeyondBuffer() {
        assertEquals(StreamReassembler.NO_ROOM, offer(100, "x"));
    }

    @Test
    void takesOnlyWhatFitsAndReportsFull() {
        String big = "x".repeat(70);
        assertEquals(StreamReassembler.IN_ORDER, offer(0, big));
        assertEquals(64, r.lastTaken());
        assertEquals(true, r.full());
    }

    @Test
    void reportsNoRoomWhenPoolIsExhausted() {
        StreamReassembler[] others = new StreamReassembler[4];
        for (int i = 0; i < 4; i++) {
            others[i] = new StreamReassembler(pool);
            others[i].start(0);
            others[i].offer(0, ByteBuffer.wrap(new byte[] {1}), 0, 1);
        }
        assertEquals(StreamReassembler.NO_ROOM, offer(0, "GET"));
        assertEquals(true, r.lastFailedForBuffer());
    }
}
