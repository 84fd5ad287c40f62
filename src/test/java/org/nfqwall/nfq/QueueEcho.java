package org.nfqwall.nfq;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Test-only program run by {@link QueueSocketIT} inside a network namespace: opens a queue,
 * prints "ready", waits for a line on stdin (so the test can fill the queue first), then gives
 * a verdict to each packet until it has seen COUNT packets or TIMEOUT_SECONDS have passed, and
 * prints its counters on one line, with the bytes its loop allocated after the first batch.
 *
 * <p>Usage: {@code QueueEcho QUEUE COUNT accept|drop MARK TIMEOUT_SECONDS} (MARK -1: no mark).
 */
public final class QueueEcho {
    private QueueEcho() {
    }

    public static void main(String[] args) throws Exception {
        int queue = Integer.parseInt(args[0]);
        int count = Integer.parseInt(args[1]);
        int verdict = args[2].equals("accept") ? Verdicts.ACCEPT : Verdicts.DROP;
        int mark = Integer.parseInt(args[3]);
        long deadline = System.nanoTime() + Long.parseLong(args[4]) * 1_000_000_000L;
        QueueConfig config = QueueConfig.defaults(queue);
        PacketBatch batch = PacketBatch.allocate(config);
        try (QueueSocket socket = QueueSocket.open(config)) {
            System.out.println("ready forced=" + socket.receiveBufferForced()
                    + " rcvbuf=" + socket.receiveBufferBytes());
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII)).readLine();
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            threads.getCurrentThreadAllocatedBytes(); // the first call allocates its own bookkeeping
            long allocatedAfterFirstBatch = -1;
            long received = 0;
            long batches = 0;
            int maxBatch = 0;
            while (received < count && System.nanoTime() < deadline) {
                int n = socket.receive(batch);
                if (n == 0) {
                    continue;
                }
                for (int i = 0; i < n; i++) {
                    if (mark < 0) {
                        socket.verdict(batch.packetId(i), verdict);
                    } else {
                        socket.verdict(batch.packetId(i), verdict, mark);
                    }
                }
                socket.flushVerdicts();
                received += n;
                batches++;
                maxBatch = Math.max(maxBatch, n);
                if (batches == 1) {
                    allocatedAfterFirstBatch = threads.getCurrentThreadAllocatedBytes();
                }
            }
            long loopAllocated = threads.getCurrentThreadAllocatedBytes() - allocatedAfterFirstBatch;
            System.out.println("received=" + received + " batches=" + batches + " maxBatch=" + maxBatch
                    + " enobufs=" + socket.enobufs() + " receiveCalls=" + socket.receiveCalls()
                    + " netlinkErrors=" + socket.netlinkErrors() + " loopAllocatedBytes=" + loopAllocated);
        } catch (NfqException e) {
            System.out.println("error " + e.getMessage());
            System.exit(1);
        }
    }
}
