package org.nfqwall.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nfqwall.engine.DecisionListener;
import org.nfqwall.engine.Engine;
import org.nfqwall.engine.EngineConfig;
import org.nfqwall.rules.RuleSet;
import org.nfqwall.rules.RulesLoader;
import org.nfqwall.stats.Counter;
import org.nfqwall.stats.Counters;
import org.nfqwall.stats.RuleCounters;

/** The {@code stats} fields of a daemon with two queues: totals in the old fields, each queue in {@code per_queue}. */
class StatsCollectorTest {
    @TempDir
    Path dir;

    @Test
    void totalsAreTheSumOfTheQueuesAndEachQueueHasItsKernelLine() throws IOException {
        Path rules = dir.resolve("r.yaml");
        Files.writeString(rules, "default: accept\nrules:\n  - name: blocked\n    path: \"/blocked*\"\n"
                + "    verdict: drop\n");
        AtomicReference<RuleSet> rs = new AtomicReference<>(RulesLoader.load(rules).ruleSet());
        Counters c0 = new Counters();
        Counters c1 = new Counters();
        Engine e0 = new Engine(EngineConfig.defaults(), rs, c0, new RuleCounters(), DecisionListener.NONE);
        Engine e1 = new Engine(EngineConfig.defaults(), rs, c1, new RuleCounters(), DecisionListener.NONE);
        c0.add(Counter.PACKETS, 3);
        c1.add(Counter.PACKETS, 4);
        c0.add(Counter.DECIDED_DROP, 1);
        c1.add(Counter.DECIDED_DROP, 2);
        Path proc = dir.resolve("nfnetlink_queue");
        Files.writeString(proc, "    0   4242     0 2 65535     0     0       3  1\n"
                + "    5   9999     0 2 65535     0     0       8  1\n");
        StatsCollector stats = new StatsCollector(List.of(
                new StatsCollector.QueueSource(0, e0, c0, () -> new StatsCollector.QueueSocketCounters(3, 2, 1, 0), () -> 0),
                new StatsCollector.QueueSource(1, e1, c1, () -> new StatsCollector.QueueSocketCounters(4, 3, 0, 1), () -> 2)),
                () -> 0, rs::get, proc);

        Map<String, Object> m = stats.collect(Instant.now());

        assertEquals(7L, ((Map<?, ?>) m.get("engine")).get("packets"));
        assertEquals(2L, ((Map<?, ?>) m.get("engine")).get("internal_errors"));
        assertEquals(3L, ((Map<?, ?>) m.get("verdicts")).get("drop"));
        assertEquals(2L * EngineConfig.defaults().flowCapacity(), ((Map<?, ?>) m.get("flows")).get("capacity"));
        Map<?, ?> socket = (Map<?, ?>) m.get("queue_socket");
        assertEquals(7L, socket.get("packets"));
        assertEquals(5L, socket.get("receive_calls"));
        assertEquals(1L, socket.get("enobufs"));
        assertEquals(1L, socket.get("netlink_errors"));
        List<?> perQueue = (List<?>) m.get("per_queue");
        assertEquals(2, perQueue.size());
        Map<?, ?> q0 = (Map<?, ?>) perQueue.get(0);
        Map<?, ?> q1 = (Map<?, ?>) perQueue.get(1);
        assertEquals(0, q0.get("queue"));
        assertEquals(3L, q0.get("packets"));
        assertEquals(1L, q0.get("enobufs"));
        assertEquals(4242L, ((Map<?, ?>) q0.get("kernel")).get("portid"));
        assertEquals(1, q1.get("queue"));
        assertEquals(4L, q1.get("packets"));
        assertEquals(2L, q1.get("internal_errors"));
        assertNull(q1.get("kernel"), "queue 1 is not in the kernel's file");
        assertEquals(2, ((List<?>) m.get("kernel_queues")).size());
    }
}
