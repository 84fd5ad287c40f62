package org.nfqwall.daemon;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.nfqwall.engine.DecisionListener;
import org.nfqwall.engine.Steered;
import org.nfqwall.rules.Facts;
import org.nfqwall.rules.Rule;
import org.nfqwall.rules.Verdict;

/**
 * Writes one line per decision other than the default accept (every decision with
 * {@code --log-all}), as EVE-like JSON ({@link EveJson}) or text ({@link TextLine}), to standard
 * output or to a file that {@link #reopen} opens again after logrotate.
 *
 * <p>The worker thread formats the line and hands it to a bounded queue; a writer thread writes
 * it, so a slow disk, terminal or pipe never stalls the packet path. Lines beyond the rate
 * limit (a token bucket, {@code --log-rate} a second) or beyond a full queue are counted as
 * suppressed instead, and the next line written is preceded by a summary line with their count.
 *
 * <p>{@link #decided} runs on the worker threads, several at once with several queues: the rate
 * limit and the count of unreported suppressed lines are shared, so they are taken under this
 * object's lock. The lock is held for a few arithmetic steps per logged decision (never for
 * formatting or queueing the line) and never for the default accepts that are not logged,
 * which return before it; an uncontended lock is cheaper than a bucket per worker, which would
 * also let N workers log N times {@code --log-rate}. {@link #info}, {@link #reopen},
 * {@link #suppressed} and {@link #close} may be called from any thread (close after the worker
 * has stopped, or its last lines may be lost).
 */
public final class DecisionLog implements DecisionListener, AutoCloseable {
    /** Lines waiting to be written at most: {@value}. */
    public static final int QUEUE_LINES = 4096;
    /** How long {@link #info} may wait for room in the queue, in milliseconds: {@value}. */
    private static final long INFO_WAIT_MILLIS = 1000;

    /** Lines to the decision output, the daemon's own messages, and the reopen request, in order. */
    private record Entry(int kind, String text) {
    }

    private static final int DECISION = 0;
    private static final int MESSAGE = 1;
    private static final Entry REOPEN = new Entry(2, null);

    private final BlockingQueue<Entry> lines = new ArrayBlockingQueue<>(QUEUE_LINES);
    private final AtomicLong suppressed = new AtomicLong();
    private final LogOutput output;
    private final PrintStream messages;
    private final PrintStream err;
    private final LogFormat format;
    private final boolean logAll;
    private final TokenBucket bucket;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final Thread writer;
    /** Suppressed lines not yet reported by a summary line; guarded by this. */
    private long unreported;
    private volatile boolean reopenRequested;
    private volatile boolean closing;
    private boolean writeErrorReported;

    /** Text lines to {@code out}, no rate limit: the daemon's log before these options existed. */
    public DecisionLog(PrintStream out) {
        this(LogOutput.of(out), out, out, LogFormat.TEXT, false, 0, Clock.systemUTC(), System::nanoTime);
    }

    DecisionLog(LogOutput output, PrintStream messages, PrintStream err, LogFormat format, boolean logAll,
            int ratePerSecond, Clock clock, LongSupplier nanoTime) {
        this.output = output;
        this.messages = messages;
        this.err = err;
        this.format = format;
        this.logAll = logAll;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.bucket = new TokenBucket(ratePerSecond, nanoTime.getAsLong());
        this.writer = new Thread(this::drain, "nfqwall-log");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /**
     * The decision log {@code options} ask for: decisions to {@code options.logFile()} (appended)
     * or to {@code out}; the daemon's own messages to {@code out}; write errors to {@code err}.
     *
     * @throws IOException if the log file cannot be opened for appending
     */
    public static DecisionLog open(ObservabilityOptions options, PrintStream out, PrintStream err) throws IOException {
        LogOutput output = options.logFile() == null ? LogOutput.of(out) : LogOutput.append(options.logFile());
        return new DecisionLog(output, out, err, options.logFormat(), options.logAll(), options.logRatePerSecond(),
                Clock.systemUTC(), System::nanoTime);
    }

    @Override
    public void decided(Facts f, Rule rule, Verdict verdict, int mark) {
        decided(f, rule, verdict, mark, Steered.NONE);
    }

    @Override
    public void decided(Facts f, Rule rule, Verdict verdict, int mark, Steered steered) {
        if (!logAll && rule == null && verdict == Verdict.ACCEPT) {
            return;
        }
        long pending;
        synchronized (this) {
            if (!bucket.tryTake(nanoTime.getAsLong())) {
                suppress();
                return;
            }
            pending = unreported;
            unreported = 0;
        }
        Instant now = clock.instant();
        if (pending > 0 && !lines.offer(new Entry(DECISION, summary(now, pending)))) {
            synchronized (this) {
                unreported += pending;
            }
        }
        String line = format == LogFormat.JSON ? EveJson.decision(now, f, rule, verdict, mark, steered)
                : TextLine.decision(now, f, rule, verdict, mark, steered);
        if (!lines.offer(new Entry(DECISION, line))) {
            suppress();
        }
    }

    private synchronized void suppress() {
        suppressed.incrementAndGet();
        unreported++;
    }

    private String summary(Instant now, long count) {
        return format == LogFormat.JSON ? EveJson.suppressed(now, count) : TextLine.suppressed(now, count);
    }

    /**
     * Writes a line of the daemon's own (start, reload, stop) to standard output: as JSON
     * ({@code event_type} {@code nfqwall_message}) when decisions share standard output in JSON,
     * else as text. Waits up to a second for room; never call it on the worker thread.
     */
    public void info(String message) {
        try {
            lines.offer(messageEntry(message), INFO_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * As {@link #info}, but never waits: for a rare message from the worker thread (the first
     * failure of a kind). A message that finds the queue full is lost and counted as suppressed.
     */
    public void infoWithoutWaiting(String message) {
        if (!lines.offer(messageEntry(message))) {
            suppressed.incrementAndGet();
        }
    }

    private Entry messageEntry(String message) {
        Instant now = clock.instant();
        boolean json = format == LogFormat.JSON && output.file() == null;
        return new Entry(MESSAGE, json ? EveJson.message(now, message) : TextLine.message(now, message));
    }

    /**
     * Asks the writer to open the log file again at its path (after logrotate renamed it), once
     * the lines queued before this call are written to the old file. Nothing for standard output.
     * Any thread (the SIGHUP handler).
     */
    public void reopen() {
        if (output.file() != null && !lines.offer(REOPEN)) {
            reopenRequested = true;
        }
    }

    /** Lines not written: over the rate limit or the queue full. */
    public long suppressed() {
        return suppressed.get();
    }

    /** The text line of one decision; see {@link TextLine#decision}. */
    static String format(Instant time, Facts f, Rule rule, Verdict verdict, int mark) {
        return TextLine.decision(time, f, rule, verdict, mark);
    }

    private void drain() {
        try {
            while (!closing || !lines.isEmpty()) {
                if (reopenRequested) {
                    reopenRequested = false;
                    reopenNow();
                }
                Entry e = lines.poll(100, TimeUnit.MILLISECONDS);
                if (e == null) {
                    continue;
                }
                if (e == REOPEN) {
                    reopenNow();
                } else if (e.kind() == MESSAGE) {
                    messages.println(e.text());
                } else {
                    output.stream().println(e.text());
                }
                if (lines.isEmpty()) {
                    flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }

    private void flush() {
        messages.flush();
        PrintStream s = output.stream();
        s.flush();
        if (s.checkError() && !writeErrorReported) {
            // PrintStream keeps the error; say it once per file, not once per line.
            writeErrorReported = true;
            err.println("nfqwall: cannot write the decision log " + (output.file() != null ? output.file() : "(standard output)")
                    + "; lines are lost until it is writable and reopened (SIGHUP)");
        }
    }

    private void reopenNow() {
        output.stream().flush();
        try {
            output.reopen();
            writeErrorReported = false;
        } catch (IOException e) {
            err.println("nfqwall: cannot reopen the decision log " + output.file() + ": " + e.getMessage()
                    + "; writing on to the old file");
        }
    }

    /** Writes the pending summary and what is queued, then stops the writer and closes the file. */
    @Override
    public void close() {
        long pending;
        synchronized (this) {
            pending = unreported;
            unreported = 0;
        }
        if (pending > 0) {
            try {
                lines.offer(new Entry(DECISION, summary(clock.instant(), pending)), INFO_WAIT_MILLIS,
                        TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closing = true;
        try {
            writer.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        output.close();
    }
}
