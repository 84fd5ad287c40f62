package org.nfqwall.engine;

import org.nfqwall.flow.BufferPool;
import org.nfqwall.flow.FlowTable;
import org.nfqwall.inspect.http.HttpInspector;
import org.nfqwall.inspect.tls.TlsInspector;
import org.nfqwall.packet.PacketView;

/**
 * Limits of one worker's engine.
 *
 * @param flowCapacity most flows tracked at once (least recently used evicted beyond)
 * @param flowIdleSeconds a flow idle this long is forgotten
 * @param maxHeadBytes largest HTTP request head inspected; a larger one is decided as protocol unknown
 * @param maxClientHelloBytes largest TLS/QUIC ClientHello inspected; a larger one is unreadable
 * @param bufferBudgetBytes memory for partial request heads and ClientHellos held across segments
 * @param verifyChecksums ignore the bytes of segments with a wrong checksum (the receiver drops
 *        them too, so they must not decide anything)
 */
public record EngineConfig(int flowCapacity, int flowIdleSeconds, int maxHeadBytes, int maxClientHelloBytes,
                           long bufferBudgetBytes, boolean verifyChecksums) {
    /** Room for the TLS record headers around a ClientHello of the largest size: {@value} bytes. */
    static final int RECORD_OVERHEAD = 1024;

    public EngineConfig {
        if (maxHeadBytes < 256 || maxHeadBytes > (1 << 20)) {
            throw new IllegalArgumentException("max head bytes must be 256..1048576, got " + maxHeadBytes);
        }
        if (maxClientHelloBytes < 512 || maxClientHelloBytes > (1 << 20)) {
            throw new IllegalArgumentException("max ClientHello bytes must be 512..1048576, got " + maxClientHelloBytes);
        }
        if (bufferBudgetBytes < Math.max(maxHeadBytes, maxClientHelloBytes + RECORD_OVERHEAD)) {
            throw new IllegalArgumentException("buffer budget must hold at least one head or ClientHello");
        }
    }

    public static EngineConfig defaults() {
        return new EngineConfig(FlowTable.DEFAULT_CAPACITY, FlowTable.DEFAULT_IDLE_SECONDS,
                HttpInspector.DEFAULT_MAX_HEAD_BYTES, TlsInspector.DEFAULT_MAX_CLIENT_HELLO_BYTES,
                BufferPool.DEFAULT_BUDGET_BYTES, true);
    }

    /**
     * Bytes of one packet that inspection can use: the most header bytes the decoder reads
     * ({@link PacketView#MAX_HEADER_BYTES}) and the most payload one flow's inspection holds
     * ({@link #streamBufferBytes()}: a whole request head, or a ClientHello with its record
     * headers). The queue's copy range is this, capped at what the kernel allows; bytes of a
     * larger (GSO) packet beyond it are either not needed or make the engine drop that packet.
     */
    public int packetBytesInspected() {
        return PacketView.MAX_HEADER_BYTES + streamBufferBytes();
    }

    /** Size of one flow's reassembly buffer: a whole head or ClientHello with its records. */
    int streamBufferBytes() {
        return Math.max(maxHeadBytes, maxClientHelloBytes + RECORD_OVERHEAD);
    }
}
