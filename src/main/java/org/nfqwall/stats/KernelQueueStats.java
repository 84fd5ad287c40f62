package org.nfqwall.stats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import java.util.ArrayList;
import java.util.List;

/**
 * One queue's line of {@code /proc/net/netfilter/nfnetlink_queue}: what the kernel counts for an
 * NFQUEUE bound in the reading process's network namespace. Immutable.
 *
 * @param queue the queue number
 * @param portId the netlink port id of the process bound to it
 * @param queueTotal packets waiting for a verdict now
 * @param copyMode 0 none, 1 meta data only, 2 packet
 * @param copyRange bytes of each packet copied to userspace
 * @param queueDropped packets the kernel dropped (or, fail-open, accepted) because the queue was full
 * @param userDropped packets lost because the netlink socket's receive buffer was full (ENOBUFS)
 * @param idSequence the last packet id handed out
 */
public record KernelQueueStats(int queue, long portId, long queueTotal, int copyMode, long copyRange,
                               long queueDropped, long userDropped, long idSequence) {
    /** Where the kernel publishes the counters. */
    public static final String PROC_FILE = "/proc/net/netfilter/nfnetlink_queue";
    /** Fields the kernel prints per line (the ninth is a constant 1): at least {@value}. */
    public static final int FIELDS = 8;

    /**
     * Parses the file's text. Each line, as printed by {@code seq_show} in
     * {@code net/netfilter/nfnetlink_queue.c}:
     *
     * <pre>
     *   queue  portid  total  mode  range  dropped  user_dropped  id_sequence  1
     *      10    4242      0     2  65535        0             0       123456  1
     * </pre>
     *
     * @throws IllegalArgumentException naming the line that is not 8 or more unsigned decimal numbers
     */
    /**
     * The counters of {@code queue} read from {@link #PROC_FILE} now; empty when the queue is not
     * bound, the file cannot be read (it is root-only) or it holds what this parser does not know.
     */
    public static Optional<KernelQueueStats> read(int queue) {
        return readAll().stream().filter(q -> q.queue() == queue).findFirst();
    }

    /**
     * Every queue's counters read from {@link #PROC_FILE} now; empty when the file cannot be read
     * or holds what this parser does not know.
     */
    public static List<KernelQueueStats> readAll() {
        try {
            return parse(Files.readString(Path.of(PROC_FILE), StandardCharsets.US_ASCII));
        } catch (IOException | SecurityException | IllegalArgumentException e) {
            return List.of();
        }
    }

    public static List<KernelQueueStats> parse(String text) {
        List<KernelQueueStats> out = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\\s+");
            if (f.length < FIELDS) {
                throw new IllegalArgumentException(PROC_FILE + " line " + (n + 1) + ": " + f.length
                        + " fields, expected at least " + FIELDS + ": \"" + line + "\"");
            }
            long[] v = new long[FIELDS];
            for (int i = 0; i < FIELDS; i++) {
                v[i] = unsigned(f[i], n + 1, line);
            }
            out.add(new KernelQueueStats((int) v[0], v[1], v[2], (int) v[3], v[4], v[5], v[6], v[7]));
        }
        return out;
    }

    private static long unsigned(String field, int lineNumber, String line) {
        boolean ok = !field.isEmpty() && field.length() <= 10;
        for (int i = 0; ok && i < field.length(); i++) {
            ok = field.charAt(i) >= '0' && field.charAt(i) <= '9';
        }
        if (!ok || Long.parseLong(field) > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(PROC_FILE + " line " + lineNumber + ": \"" + field
                    + "\" is not an unsigned 32-bit number: \"" + line + "\"");
        }
        return Long.parseLong(field);
    }
}
