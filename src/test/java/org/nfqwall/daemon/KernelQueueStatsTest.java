package org.nfqwall.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KernelQueueStatsTest {
    /** As the kernel prints it: "%5u %6u %5u %1u %5u %5u %5u %8u %2d". */
    static final String FIXTURE = """
                3  31337     0 2 65531     0     0       57  1
               10   4242    17 2 65531  1234 4294967295 123456789  1
            """;

    @Test
    void readsTheLineOfTheQueue() {
        assertEquals(Optional.of(new KernelQueueStats(10, 4242, 17, 1234, 4294967295L, 123456789)),
                KernelQueueStats.parse(FIXTURE, 10));
        assertEquals(57, KernelQueueStats.parse(FIXTURE, 3).orElseThrow().idSequence());
    }

    @Test
    void queueNotBoundIsEmpty() {
        assertTrue(KernelQueueStats.parse(FIXTURE, 4).isEmpty());
        assertTrue(KernelQueueStats.parse("", 0).isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10 4242 17 2 65531 1234 5", "10 x 17 2 65531 1234 5 6 1", "garbage", "\n\n",
        "10 4242 17 2 65531 -1x 5 6 1"})
    void linesThatDoNotParseAreSkipped(String bad) {
        assertTrue(KernelQueueStats.parse(bad, 10).isEmpty());
        assertEquals(17, KernelQueueStats.parse(bad + "\n" + FIXTURE, 10).orElseThrow().waiting());
    }

    @Test
    void readingTheProcFileNeverThrows() {
        // Present or not on this machine (module loaded or not): either way no exception.
        KernelQueueStats.read(65535);
    }
}
