package org.nfqwall.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nfqwall.control.ControlResponse;

/** The per-queue table of {@code nfqwall stats}, and the status line's queues. */
class StatsViewPerQueueTest {

    private static Map<String, Object> queue(long n, long packets) {
        return Map.of("queue", n, "packets", packets, "flows", 3L, "evicted", 0L, "enobufs", 1L, "internal_errors", 0L);
    }

    private static ControlResponse response(List<Long> queues, List<Object> perQueue) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pid", 42L);
        m.put("queue", queues.get(0));
        m.put("queues", queues);
        m.put("fail_open", true);
        m.put("rules_file", "/r.yaml");
        m.put("rules_summary", "1 rule");
        m.put("time", "2026-11-23T19:33:30.957Z");
        m.put("uptime_seconds", 1L);
        m.put("note", "n");
        m.put("rules", List.of());
        m.put("per_queue", perQueue);
        return ControlResponse.success(m);
    }

    @Test
    void severalQueuesGetATableAndTheirRangeInTheHeader() {
        String text = StatsView.render(response(List.of(0L, 1L), List.of(queue(0, 52), queue(1, 47))));
        assertTrue(text.startsWith("nfqwall running, pid 42, queues 0-1, /r.yaml: 1 rule"), text);
        assertTrue(text.contains(" queue    packets    flows  evicted  enobufs   errors\n"
                + "     0         52        3        0        1        0\n"
                + "     1         47        3        0        1        0\n"), text);
    }

    @Test
    void oneQueueKeepsTheOldOutput() {
        String text = StatsView.render(response(List.of(6L), List.of(queue(6, 16))));
        assertTrue(text.startsWith("nfqwall running, pid 42, queue 6, /r.yaml"), text);
        assertFalse(text.contains(" queue    packets"), text);
    }
}
