package org.nfqwall.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.nfqwall.stats.Counters;

/**
 * An engine with default limits on the rules of a YAML text, for engine tests: it records each
 * decision as {@code "rule verdict"} ({@code "(default) accept"} for the default), and its clock
 * moves one nanosecond a packet. One per test instance; not thread-safe.
 */
final class RecordingEngine {
    final Counters counters = new Counters();
    final List<String> decisions = new ArrayList<>();
    final Engine engine;
    private long now = 1;

    RecordingEngine(String rulesYaml) {
        engine = new Engine(EngineConfig.defaults(), new AtomicReference<>(EngineTest.load(rulesYaml)), counters,
                (facts, rule, verdict, mark) -> decisions.add((rule == null ? "(default)" : rule.name()) + " "
                        + verdict.label()));
    }

    /** Decides {@code p}, captured whole, with packet mark {@code mark}. */
    long send(TestPackets p, int mark) {
        return engine.onPacket(p.buf, p.offset, p.length, mark, now++);
    }

    /**
     * Decides {@code p} as the queue delivers it with its first {@code captured} bytes copied and
     * the kernel's NFQA_SKB_INFO bits {@code skbInfo}.
     */
    long send(TestPackets p, int captured, int skbInfo) {
        return engine.onPacket(p.buf, p.offset, captured, p.length, 0, skbInfo, now++);
    }
}
