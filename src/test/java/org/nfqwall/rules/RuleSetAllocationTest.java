package org.nfqwall.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** Proves that matching allocates nothing per call, as the per-packet path requires. */
class RuleSetAllocationTest {
    private static final int CALLS = 100_000;
    /** Bytes tolerated over the whole run (measurement noise such as a lazily created MXBean). */
    private static final long SLACK_BYTES = 4096;

    private static long allocatedBytes() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        return mx.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    @Test
    void matchAndMatchBeforeInspectionAllocateNothing() {
        RuleSet rs = RuleSetMatchTest.example();
        Facts[] inputs = {
            RuleSetMatchTest.request("GET", "/APP2/deep/path/file.js", "www.example.com"),
            RuleSetMatchTest.request("HEAD", "/video/1.mp4", "video.example.org", "other.example.org"),
            RuleSetMatchTest.request("POST", "/nothing/matches/here", "nowhere.example.net"),
            RuleSetMatchTest.flow("fd99:1::2", "fd99:2::2", 40000, 80),
        };
        long sink = 0;
        // Warm up so the JIT, not the interpreter, is measured, and so lazy class init is done.
        for (int i = 0; i < CALLS; i++) {
            Facts f = inputs[i & 3];
            sink += rs.match(f) + rs.matchBeforeInspection(f);
        }
        allocatedBytes();
        long before = allocatedBytes();
        for (int i = 0; i < CALLS; i++) {
            Facts f = inputs[i & 3];
            sink += rs.match(f) + rs.matchBeforeInspection(f);
        }
        long allocated = allocatedBytes() - before;
        assertTrue(allocated <= SLACK_BYTES, allocated + " bytes allocated over " + CALLS + " calls");
        // app2, video, none, none; beforeInspection: NEEDS_INSPECTION (-2) for all.
        assertEquals((long) CALLS / 4 * ((1 + 3 - 1 - 1) + 4 * -2), sink / 2);
    }
}
