package org.nfqwall.nfq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The binding against the real kernel, in a private network namespace: an iptables NFQUEUE rule
 * on OUTPUT for UDP to 127.0.0.1:{@value #PORT}, {@link QueueEcho} reading the queue inside the
 * namespace, a burst of datagrams, and counters on what got through. Needs root.
 */
class QueueSocketIT {
    private static final int QUEUE = 7;
    private static final int PORT = 9999;
    private static final int PACKETS = 300;
    private static final int MARK = 5;
    private static final long WAIT_SECONDS = 20;

    @Test
    void acceptedPacketsArriveInBatchesCarryingTheMark() throws Exception {
        try (NetNamespace ns = queuedNamespace()) {
            Map<String, Long> echo = echoBurst(ns, "accept", MARK);
            assertEquals(PACKETS, echo.get("received"), "packets the queue reader saw");
            assertTrue(echo.get("maxBatch") > 1, "recvmmsg took several queued packets at once: " + echo);
            assertTrue(echo.get("batches") < PACKETS, "fewer receive calls than packets: " + echo);
            assertEquals(0, echo.get("enobufs"));
            assertEquals(0, echo.get("netlinkErrors"), "the kernel accepted every verdict");
            // Exactly 0 in steady state (HotPathAllocationTest); here the JIT compiling the loop
            // mid-run may allocate a few hundred bytes once, while one object per packet would
            // take 16 bytes times every packet after the first batch.
            long afterFirstBatch = PACKETS - echo.get("maxBatch");
            assertTrue(echo.get("loopAllocatedBytes") < 16 * afterFirstBatch,
                    "receive, verdict and flush allocate nothing per packet: " + echo);
            assertEquals(PACKETS, ns.ruleCount("mangle", "POSTROUTING", "mark match 0x5"), "marked after the verdict");
            assertEquals(PACKETS, echo.get("sink"), "datagrams delivered to the receiver");
        }
    }

    @Test
    void droppedPacketsNeverReachTheReceiver() throws Exception {
        try (NetNamespace ns = queuedNamespace()) {
            Map<String, Long> echo = echoBurst(ns, "drop", -1);
            assertEquals(PACKETS, echo.get("received"), "packets the queue reader saw");
            assertEquals(0, echo.get("netlinkErrors"), "the kernel accepted every verdict");
            assertEquals(0, ns.ruleCount("mangle", "POSTROUTING", "udp dpt:" + PORT), "packets past POSTROUTING");
            assertEquals(0, echo.get("sink"), "datagrams delivered to the receiver");
        }
    }

    @Test
    void aQueueHeldByAnotherSocketIsRefusedNamingQueueCallAndErrno() throws Exception {
        try (NetNamespace ns = queuedNamespace()) {
            NetNamespace.Program first = ns.startJava(QueueEcho.class, args(1, "accept", -1));
            first.awaitLine("ready", WAIT_SECONDS);
            NetNamespace.Program second = ns.startJava(QueueEcho.class, args(1, "accept", -1));
            String error = second.awaitLine("error", WAIT_SECONDS);
            assertTrue(error.startsWith("error could not bind to queue " + QUEUE
                    + ": nfq_nlmsg_cfg_put_cmd(..) failed: errno 1 (Operation not permitted)"), error);
        }
    }

    /** A namespace whose OUTPUT queues UDP to PORT, and whose mangle POSTROUTING counts it, marked or not. */
    private static NetNamespace queuedNamespace() throws IOException, InterruptedException {
        NetNamespace ns = NetNamespace.create();
        try {
            ns.run("iptables-legacy", "-A", "OUTPUT", "-p", "udp", "--dport", "" + PORT,
                    "-j", "NFQUEUE", "--queue-num", "" + QUEUE);
            ns.run("iptables-legacy", "-t", "mangle", "-A", "POSTROUTING", "-p", "udp", "--dport", "" + PORT,
                    "-m", "mark", "--mark", "0x" + Integer.toHexString(MARK));
            ns.run("iptables-legacy", "-t", "mangle", "-A", "POSTROUTING", "-p", "udp", "--dport", "" + PORT);
            return ns;
        } catch (IOException | RuntimeException e) {
            ns.close();
            throw e;
        }
    }

    /**
     * Starts a receiver and the queue reader, sends PACKETS datagrams while the reader waits (so
     * they queue up), lets the reader answer them all, and returns its counters plus "sink", the
     * datagrams the receiver got.
     */
    private static Map<String, Long> echoBurst(NetNamespace ns, String verdict, int mark) throws Exception {
        NetNamespace.Program sink = ns.startJava(UdpSink.class, "" + PORT);
        sink.awaitLine("ready", WAIT_SECONDS);
        NetNamespace.Program echo = ns.startJava(QueueEcho.class, args(PACKETS, verdict, mark));
        echo.awaitLine("ready", WAIT_SECONDS);
        ns.run("bash", "-c", "for i in $(seq " + PACKETS + "); do printf x > /dev/udp/127.0.0.1/" + PORT + "; done");
        echo.writeLine("go");
        Map<String, Long> counters = parse(echo.awaitLine("received=", WAIT_SECONDS));
        sink.closeInput();
        counters.putAll(parse(sink.awaitLine("received=", WAIT_SECONDS).replace("received=", "sink=")));
        return counters;
    }

    private static String[] args(int packets, String verdict, int mark) {
        return new String[] {"" + QUEUE, "" + packets, verdict, "" + mark, "" + WAIT_SECONDS};
    }

    private static Map<String, Long> parse(String line) {
        Map<String, Long> values = new HashMap<>();
        for (String pair : line.trim().split(" ")) {
            String[] kv = pair.split("=", 2);
            values.put(kv[0], Long.parseLong(kv[1]));
        }
        return values;
    }
}
