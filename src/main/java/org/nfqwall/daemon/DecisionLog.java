package org.nfqwall.daemon;

import java.io.PrintStream;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.nfqwall.engine.DecisionListener;
import org.nfqwall.rules.Addresses;
import org.nfqwall.rules.Facts;
import org.nfqwall.rules.Rule;
import org.nfqwall.rules.Verdict;

/**
 * Writes one line per decision other than the default accept, e.g.
 * {@code 2026-11-23T18:30:00.123Z DROP tcp 10.99.1.2:40000 -> 10.99.2.2:80 host=www.example.com path=/APP2/x rule=app2 line=14}.
 *
 * <p>The worker thread formats the line and hands it to a bounded queue; a writer thread prints
 * it, so a slow terminal or pipe never stalls the packet path. When the queue is full the line
 * is counted as suppressed instead. {@link #decided} runs on the worker thread; everything else
 * is thread-safe.
 */
public final class DecisionLog implements DecisionListener, AutoCloseable {
    /** Lines waiting to be written at most: {@value}. */
    public static final int QUEUE_LINES = 4096;

    private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(QUEUE_LINES);
    private final AtomicLong suppressed = new AtomicLong();
    private final PrintStream out;
    private final Thread writer;
    private volatile boolean closing;

    public DecisionLog(PrintStream out) {
        this.out = out;
        this.writer = new Thread(this::drain, "nfqwall-log");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    @Override
    public void decided(Facts f, Rule rule, Verdict verdict, int mark) {
        if (rule == null && verdict == Verdict.ACCEPT) {
            return;
        }
        if (!lines.offer(format(Instant.now(), f, rule, verdict, mark))) {
            suppressed.incrementAndGet();
        }
    }

    /** Writes a line of the daemon's own (start, reload, stop) through the same queue. */
    public void info(String message) {
        try {
            lines.offer(Instant.now() + " " + message, 1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Lines not written because the queue was full. */
    public long suppressed() {
        return suppressed.get();
    }

    static String format(Instant time, Facts f, Rule rule, Verdict verdict, int mark) {
        StringBuilder sb = new StringBuilder(160);
        sb.append(time).append(' ').append(verdict.name());
        if (verdict == Verdict.MARK) {
            sb.append(String.format("(0x%x)", mark));
        }
        sb.append(' ').append(f.l4Protocol == 6 ? "tcp" : f.l4Protocol == 17 ? "udp" : String.valueOf(f.l4Protocol));
        appendEndpoint(sb.append(' '), f.srcHi, f.srcLo, f.srcPort);
        appendEndpoint(sb.append(" -> "), f.dstHi, f.dstLo, f.dstPort);
        if (f.applicationKnown) {
            sb.append(" proto=").append(f.protocol.label());
        }
        for (int i = 0; i < f.hostCount; i++) {
            sb.append(" host=").append(f.hosts[i]);
        }
        if (f.method != null) {
            sb.append(" method=").append(f.method);
        }
        if (f.path != null) {
            sb.append(" path=").append(f.path);
        }
        if (rule != null) {
            sb.append(" rule=").append(rule.name()).append(" line=").append(rule.line());
        } else {
            sb.append(" rule=(default)");
        }
        return sb.toString();
    }

    private static void appendEndpoint(StringBuilder sb, long hi, long lo, int port) {
        String address = Addresses.format(hi, lo);
        if (address.indexOf(':') < 0) {
            sb.append(address).append(':').append(port);
        } else {
            sb.append('[').append(address).append("]:").append(port);
        }
    }

    private void drain() {
        try {
            while (!closing || !lines.isEmpty()) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null) {
                    out.println(line);
                    if (lines.isEmpty()) {
                        out.flush();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.flush();
    }

    /** Writes what is queued, then stops the writer thread. */
    @Override
    public void close() {
        closing = true;
        try {
            writer.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
