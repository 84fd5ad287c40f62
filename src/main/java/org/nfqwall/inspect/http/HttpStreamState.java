package org.nfqwall.inspect.http;

/**
 * Where one TCP flow's client-to-server byte stream stands between HTTP requests: in a head, in a
 * Content-Length body, or somewhere in a chunked body. Holds only numbers, never bytes: bodies
 * are skipped, not buffered.
 *
 * <p>One per TCP flow, owned by the flow's worker thread; not thread-safe. Flows are pooled, so an
 * instance is reused through {@link #reset()} and costs no allocation per flow.
 */
public final class HttpStreamState {
    static final int HEAD = 0;
    static final int FIXED_BODY = 1;
    static final int CHUNK_SIZE = 2;
    /** After the chunk-size digits: only whitespace, ';' or the line end. */
    static final int CHUNK_SIZE_END = 3;
    static final int CHUNK_EXTENSION = 4;
    static final int CHUNK_DATA = 5;
    /** The CRLF after chunk data. */
    static final int CHUNK_DATA_END = 6;
    static final int TRAILERS = 7;
    /** Terminal: {@link #failure} says why. */
    static final int FAILED = 8;

    int phase;
    /** Body bytes left: the Content-Length rest in FIXED_BODY, the chunk rest in CHUNK_DATA. */
    long remaining;
    /** A CR was the last byte of a chunk line, chunk data end or trailer line; an LF must follow. */
    boolean crPending;
    /** Bytes of the current chunk line, or of the current trailer line without its CR. */
    int lineBytes;
    /** Bytes of the trailer section so far. */
    int trailerBytes;
    long chunkSize;
    int chunkDigits;
    /** Head bytes already searched for the empty line without finding it (resumes the search). */
    int headScanned;
    boolean upgradeRequested;
    /** The sticky result once FAILED: NOT_HTTP, TOO_LARGE or MALFORMED. */
    int failure;

    /** Makes this state ready for a new flow, whose first byte starts a request head. */
    public void reset() {
        phase = HEAD;
        remaining = 0;
        crPending = false;
        lineBytes = 0;
        trailerBytes = 0;
        chunkSize = 0;
        chunkDigits = 0;
        headScanned = 0;
        upgradeRequested = false;
        failure = 0;
    }

    /**
     * True when the last request decided was a CONNECT or carried an Upgrade header: bytes that
     * follow and are not HTTP are a tunnel (or the upgraded protocol), not an error.
     */
    public boolean upgradeRequested() {
        return upgradeRequested;
    }

    /**
     * Body bytes (the rest of a Content-Length body, or of the current chunk's data) that the
     * engine may skip without handing them to {@link HttpInspector#inspect}; 0 when none.
     */
    public long skippableBytes() {
        return phase == FIXED_BODY || phase == CHUNK_DATA ? remaining : 0;
    }

    /**
     * Records that the engine skipped {@code n} body bytes.
     *
     * @throws IllegalArgumentException if n is negative or more than {@link #skippableBytes()}
     */
    public void skip(long n) {
        if (n < 0 || n > skippableBytes()) {
            throw new IllegalArgumentException("cannot skip " + n + " bytes: " + skippableBytes() + " skippable");
        }
        remaining -= n;
        if (phase == FIXED_BODY && remaining == 0) {
            phase = HEAD;
        }
    }

    /** True while between requests or inside a head (not in a body, not failed). */
    public boolean atHead() {
        return phase == HEAD;
    }

    void fail(int result) {
        phase = FAILED;
        failure = result;
    }

    @Override
    public String toString() {
        return "HttpStreamState[phase=" + phase + ", remaining=" + remaining + ", upgrade=" + upgradeRequested
                + ", failure=" + failure + "]";
    }
}
