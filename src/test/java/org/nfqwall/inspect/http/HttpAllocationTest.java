package org.nfqwall.inspect.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.nfqwall.testing.Allocations;

/**
 * Measures what the inspector allocates, with the JVM's per-thread allocation counter: a head
 * may cost about a kilobyte (printed, not asserted: it depends on netty and the JIT), body bytes
 * must cost nothing (asserted: bodies can be gigabytes).
 */
class HttpAllocationTest {
    private static final int WARM_UP_ROUNDS = 20_000;
    private static final int MEASURED_ROUNDS = 10_000;

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final HttpInspector inspector = new HttpInspector(HttpInspector.DEFAULT_MAX_HEAD_BYTES);
    private final HttpStreamState state = new HttpStreamState();
    private final HttpRequestHead head = new HttpRequestHead();

    private long allocatedBytes() {
        return threads.getCurrentThreadAllocatedBytes();
    }

    @Test
    void printsBytesAllocatedPerRequestHead() {
        assertTrue(threads.isThreadAllocatedMemorySupported(), "this JVM cannot count allocations per thread");
        threads.setThreadAllocatedMemoryEnabled(true);
        for (String fixture : new String[] {"get-simple.http", "upgrade-websocket.http", "absolute-form.http"}) {
            byte[] request = Fixtures.http(fixture);
            runHeads(request, WARM_UP_ROUNDS);
            long before = allocatedBytes();
            runHeads(request, MEASURED_ROUNDS);
            long perHead = (allocatedBytes() - before) / MEASURED_ROUNDS;
            System.out.printf("HttpInspector: %d bytes allocated per request head (%s, %d bytes)%n",
                    perHead, fixture, request.length);
        }
    }

    private void runHeads(byte[] request, int rounds) {
        for (int i = 0; i < rounds; i++) {
            state.reset();
            if (inspector.inspect(state, request, 0, request.length, head) != HttpInspector.REQUEST) {
                throw new AssertionError("not a request");
            }
        }
    }

    @Test
    void inspectingContentLengthBodyBytesAllocatesNothing() {
        byte[] start = "POST /big HTTP/1.1\r\nContent-Length: 100000000000\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(HttpInspector.REQUEST, inspector.inspect(state, start, 0, start.length, head));
        byte[] segment = new byte[1460];
        runFixedBody(segment, WARM_UP_ROUNDS);
        assertEquals(0, Allocations.leastPerRound(() -> runFixedBody(segment, MEASURED_ROUNDS)),
                "bytes allocated for " + MEASURED_ROUNDS + " body segments");
    }

    private void runFixedBody(byte[] segment, int rounds) {
        for (int i = 0; i < rounds; i++) {
            int result = inspector.inspect(state, segment, 0, segment.length, head);
            if (result != HttpInspector.NEED_MORE || inspector.consumed() != segment.length) {
                throw new AssertionError("body segment not consumed: " + result);
            }
            state.skip(100);
        }
    }

    @Test
    void inspectingAndSkippingChunkedBodyAllocatesNothing() {
        byte[] start = "POST /big HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(HttpInspector.REQUEST, inspector.inspect(state, start, 0, start.length, head));
        // Whole chunks with extensions: each call walks chunk lines, data and CRLFs.
        StringBuilder chunks = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            chunks.append("40;ext=\"v\"\r\n").append("x".repeat(64)).append("\r\n");
        }
        byte[] segment = chunks.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] line = "200\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] crlf = "\r\n".getBytes(StandardCharsets.US_ASCII);
        runChunks(segment, line, crlf, WARM_UP_ROUNDS);
        assertEquals(0, Allocations.leastPerRound(() -> runChunks(segment, line, crlf, MEASURED_ROUNDS)),
                "bytes allocated for " + MEASURED_ROUNDS + " chunked segments");
    }

    private void runChunks(byte[] segment, byte[] line, byte[] crlf, int rounds) {
        for (int i = 0; i < rounds; i++) {
            consumeAll(segment);
            consumeAll(line); // a chunk whose data the engine skips instead of handing it over
            state.skip(state.skippableBytes());
            consumeAll(crlf);
        }
    }

    private void consumeAll(byte[] bytes) {
        int result = inspector.inspect(state, bytes, 0, bytes.length, head);
        if (result != HttpInspector.NEED_MORE || inspector.consumed() != bytes.length) {
            throw new AssertionError("chunked bytes not consumed: " + result);
        }
    }
}
