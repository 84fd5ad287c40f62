package org.nfqwall.inspect.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nfqwall.testing.Allocations;

/**
 * Measures what the inspector allocates, with the JVM's per-thread allocation counter: a hello
 * may cost its server name string (printed, not asserted), bytes that complete nothing must cost
 * nothing (asserted: they arrive once per segment).
 */
class TlsAllocationTest {
    private static final int WARM_UP_ROUNDS = 20_000;
    private static final int MEASURED_ROUNDS = 10_000;
    /** Segment size for the many-small-pieces case: the hello arrives a few bytes at a time. */
    private static final int PIECE = 7;

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final TlsInspector inspector = new TlsInspector(TlsInspector.DEFAULT_MAX_CLIENT_HELLO_BYTES);
    private final TlsStreamState state = new TlsStreamState();
    private final ClientHelloInfo info = new ClientHelloInfo();

    @BeforeEach
    void enableCounting() {
        assertTrue(threads.isThreadAllocatedMemorySupported(), "this JVM cannot count allocations per thread");
        threads.setThreadAllocatedMemoryEnabled(true);
    }

    private long allocatedBytes() {
        return threads.getCurrentThreadAllocatedBytes();
    }

    @Test
    void printsBytesAllocatedPerClientHello() {
        String[][] cases = {{"curl-sni.hex", "1"}, {"openssl-large.hex", "1"}, {"openssl-alpn.hex", "5"}};
        for (String[] c : cases) {
            int records = Integer.parseInt(c[1]);
            byte[] wire = TlsFixtures.reframe(TlsFixtures.message(c[0]), records);
            runHellos(wire, WARM_UP_ROUNDS);
            long before = allocatedBytes();
            runHellos(wire, MEASURED_ROUNDS);
            long perHello = (allocatedBytes() - before) / MEASURED_ROUNDS;
            System.out.printf("TlsInspector: %d bytes allocated per ClientHello (%s, %d bytes in %d record(s))%n",
                    perHello, c[0], wire.length, records);
        }
    }

    private void runHellos(byte[] wire, int rounds) {
        for (int i = 0; i < rounds; i++) {
            state.reset();
            if (inspector.inspect(state, wire, 0, wire.length, info) != TlsInspector.CLIENT_HELLO) {
                throw new AssertionError("not a hello: " + info.problem());
            }
        }
    }

    @Test
    void needingMoreOverManySmallPiecesAllocatesNothing() {
        byte[] wire = TlsFixtures.reframe(TlsFixtures.message("openssl-large.hex"), 5);
        runPieces(wire, WARM_UP_ROUNDS / 10);
        long calls = (long) (MEASURED_ROUNDS / 10) * ((wire.length - 1) / PIECE);
        assertEquals(0, Allocations.leastPerRound(() -> runPieces(wire, MEASURED_ROUNDS / 10)),
                "bytes allocated over " + calls + " NEED_MORE calls");
    }

    private void runPieces(byte[] wire, int rounds) {
        for (int i = 0; i < rounds; i++) {
            state.reset();
            for (int end = PIECE; end < wire.length; end += PIECE) {
                if (inspector.inspect(state, wire, 0, end, info) != TlsInspector.NEED_MORE || inspector.consumed() != 0) {
                    throw new AssertionError("expected NEED_MORE at " + end);
                }
            }
        }
    }
}
