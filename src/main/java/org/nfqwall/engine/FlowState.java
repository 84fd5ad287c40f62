package org.nfqwall.engine;

import org.nfqwall.flow.BufferPool;
import org.nfqwall.flow.StreamReassembler;
import org.nfqwall.inspect.ContentSniffer;
import org.nfqwall.inspect.http.HttpStreamState;
import org.nfqwall.inspect.quic.QuicFlowState;
import org.nfqwall.inspect.tls.TlsStreamState;
import org.nfqwall.rules.MarkBits;

/**
 * What the engine knows about one flow: whether it is still inspected or already decided, which
 * protocol its bytes carry, and the state of its reassembly and inspectors.
 *
 * <p>Pooled per flow-table slot and reset when the slot is reused; owned by the worker thread.
 */
final class FlowState {
    /** Client bytes are still inspected (HTTP keep-alive flows stay here). */
    static final int INSPECTING = 0;
    /** Decided for good: the rest of the flow is accepted (its mark lives in the connmark). */
    static final int ACCEPTED = 1;
    /** Dropped or rejected: every later packet is dropped. */
    static final int DROPPED = 2;

    final StreamReassembler stream;
    final HttpStreamState http = new HttpStreamState();
    final TlsStreamState tls = new TlsStreamState();
    final QuicFlowState quic = new QuicFlowState();
    int state;
    /** A {@link ContentSniffer} result; NEED_MORE until the first bytes tell. */
    int content;
    boolean sawHttp;
    /** Datagrams inspected on a UDP flow. */
    int datagrams;
    /** Sequence number of the SYN that opened the flow, or -1 (first seen mid-stream, or UDP). */
    long synSeq;
    /** The client sent a FIN: nothing it sends on this connection can reach the server's application any more. */
    boolean clientFin;
    /**
     * The host names the flow was accepted for good with (Host header or SNI; the references the
     * inspector made, no copy), so a host block added later can find and cut it; null when none.
     */
    String host0;
    String host1;
    /**
     * The verdict a dropped truncated packet carried (a keep-alive request's mark), given to the
     * flow's next accepted packet instead, so the mark is not lost with it; 0 when none.
     */
    long carried;
    /**
     * The rule mark the flow's last mark decision set ({@link #markMask} bits of it) and the mask
     * it replaces; mask 0 while none was set. Inside a GRE tunnel, where no connmark can carry it,
     * given to each later packet of the flow and its replies, as the connmark would be; outside,
     * to a packet queued before the decision's connmark existed.
     */
    int ruleMark;
    int markMask;

    /** {@code mark} with the rule mark in place of its {@link #markMask} bits, nfqwall's reserved bits cleared. */
    int withRuleMark(int mark) {
        return (mark & ~MarkBits.RESERVED_MASK & ~markMask) | ruleMark;
    }

    FlowState(BufferPool pool) {
        this.stream = new StreamReassembler(pool);
    }

    void reset() {
        stream.release();
        http.reset();
        tls.reset();
        quic.reset();
        state = INSPECTING;
        content = ContentSniffer.NEED_MORE;
        sawHttp = false;
        datagrams = 0;
        synSeq = -1;
        clientFin = false;
        host0 = null;
        host1 = null;
        carried = 0;
        ruleMark = 0;
        markMask = 0;
    }

    void release() {
        stream.release();
    }
}
