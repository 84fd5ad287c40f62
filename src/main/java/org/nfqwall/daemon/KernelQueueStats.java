package org.nfqwall.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One queue's line of {@code /proc/net/netfilter/nfnetlink_queue}: what the kernel counts for
 * the queue, notably the packets it dropped before nfqwall could see them.
 *
 * <pre>
 *   queue  portid  waiting  copy_mode  copy_range  queue_dropped  user_dropped  id_sequence  1
 *      10    4242        0          2       65531              0             0        12345  1
 * </pre>
 *
 * (no header line in the file; fields separated by spaces; the kernel's {@code instance_show}
 * in net/netfilter/nfnetlink_queue.c). The counters are the kernel's 32-bit ones: they wrap, and
 * they restart when the queue is bound again. The file lists the queues of the reading process's
 * network namespace.
 *
 * @param queue queue number
 * @param portId netlink port id of the process bound to it
 * @param waiting packets in the queue now, waiting for a verdict
 * @param queueDropped packets dropped because the queue was full; counted only fail-closed: with
 *     FAIL_OPEN the kernel accepts them uncounted
 * @param userDropped packets that did not fit the netlink socket's receive buffer; current
 *     kernels count them only fail-closed too (fail-open accepts them)
 * @param idSequence id of the last packet queued
 */
public record KernelQueueStats(int queue, long portId, long waiting, long queueDropped, long userDropped,
        long idSequence) {
    /** Where the kernel publishes the statistics. */
    public static final Path PROC_FILE = Path.of("/proc/net/netfilter/nfnetlink_queue");

    /** The statistics of {@code queue} from {@link #PROC_FILE}; empty if unreadable or not bound. */
    public static Optional<KernelQueueStats> read(int queue) {
        try {
            return parse(Files.readString(PROC_FILE, StandardCharsets.US_ASCII), queue);
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** The line of {@code queue} in the file's {@code text}; lines that do not parse are skipped. */
    public static Optional<KernelQueueStats> parse(String text, int queue) {
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 8) {
                continue;
            }
            try {
                if (Long.parseLong(f[0]) != queue) {
                    continue;
                }
                return Optional.of(new KernelQueueStats(queue, Long.parseLong(f[1]), Long.parseLong(f[2]),
                        Long.parseLong(f[5]), Long.parseLong(f[6]), Long.parseLong(f[7])));
            } catch (NumberFormatException e) {
                // Not a line we understand: a later kernel may add other lines; skip it.
            }
        }
        return Optional.empty();
    }
}
