package org.nfqwall.inspect.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nfqwall.inspect.tls.ClientHelloInfo;

/**
 * Measures what the inspector allocates with the JVM's per-thread counter: an Initial costs
 * kilobytes in the JDK's ciphers (printed, not asserted: it depends on the JDK and the JIT);
 * datagrams that are not Initials must cost nothing (asserted: they are most of a QUIC flow).
 */
class QuicAllocationTest {
    private static final int WARM_UP_ROUNDS = 20_000;
    private static final int MEASURED_ROUNDS = 10_000;

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final QuicInspector inspector = new QuicInspector(QuicInspector.DEFAULT_MAX_CLIENT_HELLO_BYTES);
    private final QuicFlowState state = new QuicFlowState();
    private final ClientHelloInfo out = new ClientHelloInfo();
    private final ByteBuffer buf = ByteBuffer.allocateDirect(1500);

    @Test
    void printsBytesAllocatedPerClientHelloInitial() {
        assertTrue(threads.isThreadAllocatedMemorySupported(), "this JVM cannot count allocations per thread");
        threads.setThreadAllocatedMemoryEnabled(true);
        byte[] d = new QuicInitialBuilder(QuicInitialBuilder.V1, QuicVectors.hex("8394c8f03e515708"))
                .datagram(ClientHellos.tls13("www.example.com", List.of("h3"), 0));
        buf.put(d);
        run(d.length, 2_000, QuicInspector.CLIENT_HELLO, true);
        long before = threads.getCurrentThreadAllocatedBytes();
        run(d.length, 2_000, QuicInspector.CLIENT_HELLO, true);
        long perInitial = (threads.getCurrentThreadAllocatedBytes() - before) / 2_000;
        System.out.printf("QuicInspector: %d bytes allocated per one-packet ClientHello on a new flow%n", perInitial);
    }

    @Test
    void datagramsThatAreNotInitialsAllocateNothing() {
        threads.setThreadAllocatedMemoryEnabled(true);
        byte[] shortHeader = QuicVectors.hex("4100112233445566778899aabbccddeeff00112233445566778899");
        byte[] zeroRtt = QuicInitialBuilder.otherLongPacket(
                QuicInitialBuilder.V1, 1, QuicVectors.hex("0102030405060708"), 1100);
        buf.clear();
        buf.put(shortHeader);
        run(shortHeader.length, WARM_UP_ROUNDS, QuicInspector.NOT_QUIC, true);
        long before = threads.getCurrentThreadAllocatedBytes();
        run(shortHeader.length, MEASURED_ROUNDS, QuicInspector.NOT_QUIC, true);
        assertEquals(0, threads.getCurrentThreadAllocatedBytes() - before, "short header on a new flow");

        buf.clear();
        buf.put(zeroRtt);
        run(zeroRtt.length, WARM_UP_ROUNDS, QuicInspector.NEED_MORE, false);
        before = threads.getCurrentThreadAllocatedBytes();
        run(zeroRtt.length, MEASURED_ROUNDS, QuicInspector.NEED_MORE, false);
        assertEquals(0, threads.getCurrentThreadAllocatedBytes() - before, "0-RTT on a flow");
    }

    private void run(int len, int rounds, int expected, boolean newFlow) {
        for (int i = 0; i < rounds; i++) {
            if (newFlow) {
                state.reset();
            }
            int r = inspector.inspect(state, buf, 0, len, out);
            if (r != expected) {
                throw new AssertionError("result " + r + ", expected " + expected);
            }
        }
    }
}
