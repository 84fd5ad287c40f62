package org.nfqwall.inspect.tls;

/**
 * How far {@link TlsInspector} has read one TCP flow's client-to-server bytes towards its
 * ClientHello: the handshake records already walked, the handshake bytes they carried, and the
 * first bytes of the handshake header. Holds a few numbers, never bytes: the engine keeps the
 * bytes, and the inspector resumes where it stopped instead of walking them again.
 *
 * <p>One per TCP flow, owned by the flow's worker thread; not thread-safe. Flows are pooled, so an
 * instance is reused through {@link #reset()} and costs no allocation per flow.
 */
public final class TlsStreamState {
    static final int READING = 0;
    /** The ClientHello was read; later bytes are not for this inspector. */
    static final int DONE = 1;
    /** Terminal: {@link #failure} says why. */
    static final int FAILED = 2;

    int phase;
    /** Offset, from the first unconsumed byte, of the first record header not walked yet. */
    int scanned;
    /** Complete handshake records walked. */
    int records;
    /** Handshake bytes carried by the records walked. */
    int fragmentBytes;
    /** The first min(4, fragmentBytes) handshake bytes, big-endian: type and uint24 length. */
    int handshakeHeader;
    /** The sticky result once FAILED: NOT_TLS, TOO_LARGE or MALFORMED. */
    int failure;

    /** Makes this state ready for a new flow, whose first byte starts a TLS record. */
    public void reset() {
        phase = READING;
        failure = 0;
        rewind();
    }

    /** Forgets the records walked, so that the next call walks from the first byte again. */
    void rewind() {
        scanned = 0;
        records = 0;
        fragmentBytes = 0;
        handshakeHeader = 0;
    }

    void fail(int result) {
        phase = FAILED;
        failure = result;
    }

    /** True once the flow's ClientHello was read. */
    public boolean helloRead() {
        return phase == DONE;
    }

    /** Bytes of complete handshake records walked, from the first unconsumed byte (for tests). */
    int scanned() {
        return scanned;
    }

    @Override
    public String toString() {
        return "TlsStreamState[phase=" + phase + ", scanned=" + scanned + ", records=" + records + ", fragmentBytes="
                + fragmentBytes + ", failure=" + failure + "]";
    }
}
