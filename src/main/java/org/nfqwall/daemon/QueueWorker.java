package org.nfqwall.daemon;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;
import org.nfqwall.engine.Engine;
import org.nfqwall.engine.PacketVerdict;
import org.nfqwall.nfq.NfqException;
import org.nfqwall.nfq.PacketBatch;
import org.nfqwall.nfq.QueueSocket;
import org.nfqwall.nfq.Verdicts;
import org.nfqwall.rules.BlockSet;
import org.nfqwall.stats.LatencyHistogram;

/**
 * The loop of one queue: receive a batch, decide each packet, send the batch's verdicts in one
 * call, now and then expire idle flows.
 *
 * <p>Runs on its own thread and owns its socket, batch and engine; with several queues there is one
 * worker per queue ({@link QueueWorkers}). Nothing on this path is shared with other threads except
 * the rule-set and block-set references (read once per packet or loop), the stop flag, and the
 * engine's decision listener, which serves every worker (see {@link DecisionLog} and
 * {@link RuleDecisionCounts} for how they stay safe). {@link #stop} may be called
 * from any thread: the loop notices within the socket's receive timeout, verdicts what it holds,
 * unbinds the queue and returns. {@link #latency} and {@link #internalErrors} may be read from any
 * thread (metrics).
 */
public final class QueueWorker implements Runnable {
    private static final long HOUSEKEEPING_NANOS = 1_000_000_000L;
    private static final VarHandle INTERNAL_ERRORS;

    static {
        try {
            INTERNAL_ERRORS = MethodHandles.lookup().findVarHandle(QueueWorker.class, "internalErrors", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final QueueSocket socket;
    private final PacketBatch batch;
    private final Engine engine;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private long internalErrors;
    private final LatencyHistogram latency = new LatencyHistogram();
    private AtomicReference<BlockSet> blocks;
    private Engine.FlowCutter cutter;
    private BlockSet blocksSeen = BlockSet.EMPTY;

    public QueueWorker(QueueSocket socket, PacketBatch batch, Engine engine) {
        this.socket = socket;
        this.batch = batch;
        this.engine = engine;
    }

    /**
     * Watches {@code blocks}: when the control thread swaps in a new set, the loop (within one
     * receive timeout) walks the flow table and hands each flow accepted for good that a block
     * matches to {@code cutter}. Call before {@link #run}.
     */
    public QueueWorker watchBlocks(AtomicReference<BlockSet> blocks, Engine.FlowCutter cutter) {
        this.blocks = blocks;
        this.cutter = cutter;
        return this;
    }

    @Override
    public void run() {
        long lastHousekeeping = System.nanoTime();
        try {
            while (running) {
                int n = socket.receive(batch);
                long now = System.nanoTime();
                if (n > 0) {
                    verdictBatch(n, now);
                    // Every packet of the batch was received by one call and answered by one send.
                    latency.record(System.nanoTime() - now, n);
                }
                if (blocks != null) {
                    BlockSet b = blocks.get();
                    if (b != blocksSeen) {
                        blocksSeen = b;
                        engine.cutBlockedFlows(b, System.currentTimeMillis(), cutter);
                    }
                }
                if (now - lastHousekeeping > HOUSEKEEPING_NANOS) {
                    engine.expireIdleFlows(now);
                    lastHousekeeping = now;
                }
            }
        } catch (NfqException | RuntimeException e) {
            failure = e;
        } finally {
            socket.close();
        }
    }

    private void verdictBatch(int n, long now) throws NfqException {
        ByteBuffer buf = batch.buffer();
        for (int i = 0; i < n; i++) {
            long v;
            try {
                // The skb-info bits pass as they are: Engine.SKB_* equal PacketBatch.SKB_*
                // (WholePathAllocationTest holds them to it), as the engine may not import nfq.
                v = engine.onPacket(buf, batch.payloadOffset(i), batch.payloadLength(i), batch.capturedLength(i),
                        batch.mark(i), batch.skbInfo(i), now);
            } catch (RuntimeException e) {
                // A bug must not take the network down with it: accept and count.
                INTERNAL_ERRORS.setOpaque(this, internalErrors + 1);
                v = PacketVerdict.ACCEPTED;
            }
            int id = batch.packetId(i);
            int mark = PacketVerdict.mark(v);
            switch (PacketVerdict.action(v)) {
                case PacketVerdict.DROP -> socket.verdict(id, Verdicts.DROP);
                case PacketVerdict.REPEAT -> socket.verdict(id, Verdicts.REPEAT, mark);
                default -> {
                    if (mark != 0) {
                        socket.verdict(id, Verdicts.ACCEPT, mark);
                    } else {
                        socket.verdict(id, Verdicts.ACCEPT);
                    }
                }
            }
        }
        socket.flushVerdicts();
    }

    /** Asks the loop to finish its batch and return. Any thread. */
    public void stop() {
        running = false;
    }

    /** Why the loop ended early, or null. */
    public Throwable failure() {
        return failure;
    }

    /** Exceptions thrown by the engine (each packet accepted). */
    public long internalErrors() {
        return (long) INTERNAL_ERRORS.getOpaque(this);
    }

    /** Receive-to-verdict time of the packets decided so far. */
    public LatencyHistogram latency() {
        return latency;
    }

    public QueueSocket socket() {
        return socket;
    }
}
