package org.nfqwall.flow;

import java.nio.ByteBuffer;

/**
 * Puts one direction of a TCP flow back in sequence order, holding only the bytes an inspector
 * has not consumed yet, in a buffer borrowed from a {@link BufferPool} while it holds any.
 *
 * <p>Positions are 64-bit stream offsets (byte 0 is the first byte after the SYN), so flows longer
 * than 4 GiB are fine; sequence numbers are compared with 32-bit wrap-around.
 *
 * <p>Policy for retransmissions and overlaps (the server's stack keeps the first copy it got, and
 * nfqwall accepts a segment before it is inspected only when the server may get it):
 * <ul>
 * <li>bytes before the next expected byte are old: ignored; where they overlap bytes still held
 *     and differ, the segment is a {@link #CONFLICT} (an evasion attempt: real stacks retransmit
 *     the same bytes);
 * <li>out-of-order segments are held (at most {@value #MAX_RANGES} separate ranges, all inside the
 *     buffer); the first copy of a byte wins, a differing later copy is a {@link #CONFLICT};
 *     one that cannot be held is {@link #NO_ROOM}, and the caller should drop it so the client
 *     sends it again once the gap is filled;
 * <li>bytes the inspector marked as skippable (request bodies) are counted but never stored.
 * </ul>
 *
 * <p>Owned by one worker thread; pooled with its flow slot and reset by {@link #start}.
 */
public final class StreamReassembler {
    /** Out-of-order ranges held at most per flow: {@value}. */
    public static final int MAX_RANGES = 8;

    /** New in-order bytes were stored ({@link #lastTaken()} of them); more may have become in order. */
    public static final int IN_ORDER = 0;
    /** Nothing new: a retransmission of bytes already seen, or an empty segment. */
    public static final int OLD = 1;
    /** Held out of order until the gap before it is filled. */
    public static final int HELD = 2;
    /** Could not be stored: out of buffer space or ranges, or no buffer left in the pool. */
    public static final int NO_ROOM = 3;
    /** Overlaps held bytes with different content. */
    public static final int CONFLICT = 4;

    private final BufferPool pool;
    private byte[] buf;
    /** Stream offset of buf[0]. */
    private long bufStart;
    /** Stream offset of the next byte expected in order. */
    private long expected;
    /** Sequence number of stream offset 0. */
    private int seqZero;
    /** Bytes below this stream offset are skipped, not stored. */
    private long skipTo;
    private final long[] rangeStart = new long[MAX_RANGES];
    private final long[] rangeEnd = new long[MAX_RANGES];
    private int ranges;
    private int lastTaken;
    private boolean noBuffer;

    public StreamReassembler(BufferPool pool) {
        this.pool = pool;
    }

    /** Starts a new stream whose next expected byte has sequence number {@code firstSeq}. */
    public void start(long firstSeq) {
        release();
        seqZero = (int) firstSeq;
        bufStart = 0;
        expected = 0;
        skipTo = 0;
        ranges = 0;
        lastTaken = 0;
        noBuffer = false;
    }

    /**
     * Offers a segment's payload {@code src[off, off+len)} with sequence number {@code seq}.
     *
     * @return {@link #IN_ORDER}, {@link #OLD}, {@link #HELD}, {@link #NO_ROOM} or {@link #CONFLICT}
     */
    public int offer(long seq, ByteBuffer src, int off, int len) {
        lastTaken = 0;
        noBuffer = false;
        long start = expected + (int) ((int) seq - (seqZero + (int) expected));
        long end = start + len;
        if (len <= 0 || end <= expected) {
            return len > 0 && !sameAsHeld(start, src, off, len) ? CONFLICT : OLD;
        }
        if (start < expected) {
            int old = (int) (expected - start);
            if (!sameAsHeld(start, src, off, old)) {
                return CONFLICT;
            }
            off += old;
            len -= old;
            start = expected;
        }
        if (start > expected) {
            return hold(start, src, off, len);
        }
        return appendInOrder(src, off, len);
    }

    private int appendInOrder(ByteBuffer src, int off, int len) {
        int skipped = (int) Math.min(len, Math.max(0, skipTo - expected));
        expected += skipped;
        int rest = len - skipped;
        if (rest > 0) {
            if (!ensureBuffer()) {
                noBuffer = true;
                lastTaken = skipped;
                return skipped > 0 ? IN_ORDER : NO_ROOM;
            }
            int room = (int) Math.max(0, bufStart + buf.length - expected);
            // Bytes already held out of order in this span are compared, not overwritten.
            int n = Math.min(rest, room);
            for (int i = 0; i < n; i++) {
                long pos = expected + i;
                byte b = src.get(off + skipped + i);
                if (inRange(pos) && pos >= skipTo) {
                    if (buf[(int) (pos - bufStart)] != b) {
                        return CONFLICT;
                    }
                } else {
                    buf[(int) (pos - bufStart)] = b;
                }
            }
            expected += n;
            lastTaken = skipped + n;
            if (n == 0 && skipped == 0) {
                return NO_ROOM;
            }
        } else {
            lastTaken = skipped;
        }
        absorbRanges();
        return IN_ORDER;
    }

    private int hold(long start, ByteBuffer src, int off, int len) {
        long end = start + len;
        long storeFrom = Math.max(start, skipTo);
        if (storeFrom < end) {
            if (!ensureBuffer()) {
                noBuffer = true;
                return NO_ROOM;
            }
            if (end - bufStart > buf.length) {
                return NO_ROOM;
            }
            for (long pos = storeFrom; pos < end; pos++) {
                byte b = src.get(off + (int) (pos - start));
                int i = (int) (pos - bufStart);
                if (inRange(pos)) {
                    if (buf[i] != b) {
                        return CONFLICT;
                    }
                }
            }
            for (long pos = storeFrom; pos < end; pos++) {
                buf[(int) (pos - bufStart)] = src.get(off + (int) (pos - start));
            }
        }
        if (!addRange(start, end)) {
            return NO_ROOM;
        }
        return HELD;
    }

    /**
     * Accounts for {@code len} bytes from sequence number {@code seq} that went by without being
     * captured (the tail of a packet cut to the queue's copy range). They are not needed when
     * they are all old (before the next expected byte) or, from the next expected byte on, all
     * inside a span marked skippable (a request body): the stream then moves past them as if they
     * had been skipped. Otherwise nothing changes, and the caller must drop the packet so that
     * the client sends those bytes again.
     *
     * @return true when the stream does not need the bytes (and has moved past them)
     */
    public boolean passUncaptured(long seq, int len) {
        long start = expected + (int) ((int) seq - (seqZero + (int) expected));
        long end = start + len;
        if (len <= 0 || end <= expected) {
            return true;
        }
        if (start > expected || end > skipTo) {
            return false;
        }
        expected = end;
        absorbRanges();
        return true;
    }

    /** In-order bytes not yet consumed: {@code data()[0, length())}. */
    public byte[] data() {
        return buf;
    }

    /** Number of in-order bytes held and not yet consumed. */
    public int length() {
        return buf == null ? 0 : (int) Math.max(0, expected - bufStart);
    }

    /** True when the buffer is full of in-order bytes: nothing more can be appended. */
    public boolean full() {
        return buf != null && length() >= buf.length;
    }

    /** Bytes of the last {@link #offer} taken into the stream (stored or skipped). */
    public int lastTaken() {
        return lastTaken;
    }

    /** True when the last offer failed only because the pool had no buffer left. */
    public boolean lastFailedForBuffer() {
        return noBuffer;
    }

    /** Stream offset of the next byte expected in order. */
    public long expectedOffset() {
        return expected;
    }

    /** Drops the first {@code n} held in-order bytes; gives the buffer back when nothing is held. */
    public void consume(int n) {
        if (n <= 0) {
            return;
        }
        int keep = (int) Math.max(0, storedEnd() - bufStart - n);
        if (keep > 0) {
            System.arraycopy(buf, n, buf, 0, keep);
        }
        bufStart += n;
        releaseIfEmpty();
    }

    /**
     * Skips the next {@code n} bytes of the stream (a body): those already held are consumed,
     * later ones are counted as they arrive and never stored.
     */
    public void skip(long n) {
        int now = (int) Math.min(n, length());
        consume(now);
        long rest = n - now;
        if (rest > 0) {
            skipTo = expected + rest;
            // Nothing in order is held now, so the buffer restarts where storing resumes.
            if (buf != null) {
                int shift = (int) Math.min(skipTo - bufStart, buf.length);
                int keep = (int) Math.max(0, storedEnd() - bufStart - shift);
                if (keep > 0) {
                    System.arraycopy(buf, shift, buf, 0, keep);
                }
            }
            bufStart = skipTo;
            releaseIfEmpty();
        }
    }

    /** Gives the buffer back to the pool (flow ending or slot reused). */
    public void release() {
        if (buf != null) {
            pool.release(buf);
            buf = null;
        }
    }

    private boolean ensureBuffer() {
        if (buf == null) {
            buf = pool.acquire();
            if (buf == null) {
                return false;
            }
            // Nothing is stored without a buffer, so storing may start wherever it resumes.
            bufStart = Math.max(expected, skipTo);
        }
        return true;
    }

    private void releaseIfEmpty() {
        if (buf != null && length() == 0 && storedEnd() <= bufStart) {
            release();
            bufStart = Math.max(expected, skipTo);
        }
    }

    /** Stream offset just past the last byte stored in the buffer (in order or held). */
    private long storedEnd() {
        if (buf == null) {
            return bufStart;
        }
        long end = Math.max(expected, bufStart);
        for (int i = 0; i < ranges; i++) {
            end = Math.max(end, Math.min(rangeEnd[i], bufStart + buf.length));
        }
        return end;
    }

    private boolean sameAsHeld(long start, ByteBuffer src, int off, int len) {
        if (buf == null) {
            return true;
        }
        long from = Math.max(start, Math.max(bufStart, skipTo));
        long to = Math.min(start + len, expected);
        for (long pos = from; pos < to; pos++) {
            if (buf[(int) (pos - bufStart)] != src.get(off + (int) (pos - start))) {
                return false;
            }
        }
        return true;
    }

    private boolean inRange(long pos) {
        for (int i = 0; i < ranges; i++) {
            if (pos >= rangeStart[i] && pos < rangeEnd[i]) {
                return true;
            }
        }
        return false;
    }

    private boolean addRange(long start, long end) {
        // Merge with every range it touches; ranges stay disjoint and unordered.
        for (int i = 0; i < ranges; i++) {
            if (start <= rangeEnd[i] && end >= rangeStart[i]) {
                start = Math.min(start, rangeStart[i]);
                end = Math.max(end, rangeEnd[i]);
                removeRange(i);
                i = -1;
            }
        }
        if (ranges == MAX_RANGES) {
            return false;
        }
        rangeStart[ranges] = start;
        rangeEnd[ranges] = end;
        ranges++;
        return true;
    }

    private void removeRange(int i) {
        ranges--;
        rangeStart[i] = rangeStart[ranges];
        rangeEnd[i] = rangeEnd[ranges];
    }

    private void absorbRanges() {
        for (int i = 0; i < ranges; i++) {
            if (rangeStart[i] <= expected) {
                if (rangeEnd[i] > expected) {
                    expected = rangeEnd[i];
                }
                removeRange(i);
                i = -1;
            }
        }
    }
}
