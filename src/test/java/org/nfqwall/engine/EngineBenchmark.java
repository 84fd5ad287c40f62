package org.nfqwall.engine;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.nfqwall.rules.RuleLoadResult;
import org.nfqwall.rules.RuleSet;
import org.nfqwall.rules.RulesLoader;
import org.nfqwall.stats.Counters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the engine costs per queued packet, in user space, on the packets {@code scripts/bench lab}
 * floods through the queue: TCP segments that each carry a whole HTTP/1.1 request head, round
 * robin over {@value #FLOWS} flows (so flow lookups miss the CPU caches as on a gateway), against
 * the 1,000 rules of {@value #RULES}; and body segments of keep-alive uploads, which are skipped by Content-Length. Each
 * operation is one packet; before it, the packet's sequence number is advanced and its TCP
 * checksum patched incrementally (RFC 1624), a few nanoseconds of the figure. Run by
 * {@code scripts/bench engine} with JMH's GC profiler: B/op is what a packet allocates.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class EngineBenchmark {
    /** Flows the packets rotate over: {@value}. */
    public static final int FLOWS = 4096;
    /** The rules file, relative to the project (JMH runs there): {@value}. */
    public static final String RULES = "rules/bench/1000-rules.yaml";
    private static final int SLOT = 256;

    @Param({"head", "body"})
    public String packets;

    private final ByteBuffer buf = ByteBuffer.allocateDirect(FLOWS * SLOT);
    private final int[] length = new int[FLOWS];
    private int payloadLength;
    private Engine engine;
    private int next;
    private long now = 1;

    @Setup(Level.Trial)
    public void setUp() {
        engine = new Engine(EngineConfig.defaults(), new AtomicReference<>(thousandRules()), new Counters(),
                (facts, rule, verdict, mark) -> { });
        boolean heads = packets.equals("head");
        String head = "GET /bench/1 HTTP/1.1\r\nHost: bench.test\r\nUser-Agent: nfq_load\r\nAccept: */*\r\n\r\n";
        String payload = heads ? head : "x".repeat(head.length());
        payloadLength = payload.length();
        for (int f = 0; f < FLOWS; f++) {
            TestPackets p = new TestPackets("10.99.1." + (10 + f % 32), "10.99.2.2", 20000 + f / 32, 8080);
            if (!heads) {
                // The upload's head, whose body the measured segments then carry.
                p.tcp(1, TestPackets.ACK | TestPackets.PSH,
                        "POST /up HTTP/1.1\r\nHost: bench.test\r\nContent-Length: 100000000000\r\n\r\n");
                engine.onPacket(p.buf, p.offset, p.length, 0, now++);
                p.tcp(1 + p.length - 40, TestPackets.ACK | TestPackets.PSH, payload);
            } else {
                p.tcp(1, TestPackets.ACK | TestPackets.PSH, payload);
            }
            for (int i = 0; i < p.length; i++) {
                buf.put(f * SLOT + i, p.buf.get(p.offset + i));
            }
            length[f] = p.length;
        }
        // Each flow's first packet takes a flow-table slot; measure the steady state after.
        for (int f = 0; f < FLOWS; f++) {
            onePacket();
        }
    }

    @Benchmark
    public long onePacket() {
        int f = next;
        next = (f + 1) & (FLOWS - 1);
        int at = f * SLOT;
        long verdict = engine.onPacket(buf, at, length[f], 0, now++);
        advance(at, buf.getInt(at + 24), payloadLength);
        return verdict;
    }

    /**
     * Moves the segment at {@code at} on by {@code n} bytes of sequence space and patches its TCP
     * checksum for the change of the two 16-bit words (RFC 1624, eqn. 3).
     */
    private void advance(int at, int seq, int n) {
        int next = seq + n;
        buf.putInt(at + 24, next);
        int sum = ~buf.getShort(at + 36) & 0xFFFF;
        sum += (~(seq >>> 16) & 0xFFFF) + (~seq & 0xFFFF) + (next >>> 16) + (next & 0xFFFF);
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        buf.putShort(at + 36, (short) ~sum);
    }

    /** The 1,000 rules of {@code scripts/bench lab} ({@value #RULES}), none matching the packets. */
    static RuleSet thousandRules() {
        RuleLoadResult r = RulesLoader.load(Path.of(RULES));
        if (!r.ok()) {
            throw new IllegalStateException(r.errors().toString());
        }
        return r.ruleSet();
    }
}
