package org.nfqwall.engine;

import org.nfqwall.flow.BufferPool;
import org.nfqwall.flow.StreamReassembler;
import org.nfqwall.inspect.http.HttpStreamState;

/**
 * What the engine knows about one flow: whether it is still inspected or already decided, and
 * its reassembly and HTTP state.
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
    int state;
    boolean sawHttp;

    FlowState(BufferPool pool) {
        this.stream = new StreamReassembler(pool);
    }

    void reset() {
        stream.release();
        http.reset();
        state = INSPECTING;
        sawHttp = false;
    }

    void release() {
        stream.release();
    }
}
