package org.nfqwall.engine;

import org.nfqwall.flow.BufferPool;
import org.nfqwall.flow.FlowTable;
import org.nfqwall.inspect.http.HttpInspector;

/**
 * Limits of one worker's engine.
 *
 * @param flowCapacity most flows tracked at once (least recently used evicted beyond)
 * @param flowIdleSeconds a flow idle this long is forgotten
 * @param maxHeadBytes largest request head inspected; a larger one is decided as protocol unknown
 * @param bufferBudgetBytes memory for held partial request heads
 * @param verifyChecksums ignore the bytes of TCP segments with a wrong checksum (the receiver drops
 *        them too, so they must not decide anything)
 */
public record EngineConfig(int flowCapacity, int flowIdleSeconds, int maxHeadBytes, long bufferBudgetBytes,
                           boolean verifyChecksums) {

    public EngineConfig {
        if (maxHeadBytes < 256 || maxHeadBytes > (1 << 20)) {
            throw new IllegalArgumentException("max head bytes must be 256..1048576, got " + maxHeadBytes);
        }
        if (bufferBudgetBytes < maxHeadBytes) {
            throw new IllegalArgumentException("buffer budget must hold at least one head of " + maxHeadBytes + " bytes");
        }
    }

    public static EngineConfig defaults() {
        return new EngineConfig(FlowTable.DEFAULT_CAPACITY, FlowTable.DEFAULT_IDLE_SECONDS,
                HttpInspector.DEFAULT_MAX_HEAD_BYTES, BufferPool.DEFAULT_BUDGET_BYTES, true);
    }
}
