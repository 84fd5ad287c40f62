package org.nfqwall.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KernelQueueStatsTest {
    private static String fixture(String name) throws IOException {
        try (InputStream in = KernelQueueStatsTest.class.getResourceAsStream("/stats/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void readsEveryQueueOfTheKernelsFile() throws IOException {
        List<KernelQueueStats> q = KernelQueueStats.parse(fixture("nfnetlink_queue.txt"));
        assertEquals(2, q.size());
        assertEquals(new KernelQueueStats(3, 2_861_312_345L, 0, 2, 65535, 0, 0, 1842), q.get(0));
        assertEquals(new KernelQueueStats(10, 4242, 17, 2, 65535, 1203, 88, 4_294_967_295L), q.get(1));
    }

    @Test
    void noQueueBoundIsAnEmptyList() {
        assertTrue(KernelQueueStats.parse("").isEmpty());
        assertTrue(KernelQueueStats.parse("\n").isEmpty());
    }

    @Test
    void eightFieldsWithoutTheTrailingUseCountAreEnough() {
        assertEquals(List.of(new KernelQueueStats(3, 123, 0, 2, 65535, 0, 0, 1842)),
                KernelQueueStats.parse("    3  123     0 2 65535     0     0     1842"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"3 1 0 2 65535 0 0", "3 1 0 2 65535 0 0 x 1", "3 1 0 2 65535 -1 0 5 1",
        "3 1 0 2 65535 0 0 4294967296 1", "queue portid total", "3 1 0 2 0x10 0 0 5 1"})
    void refusesLinesThatAreNotTheKernelsFormat(String line) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelQueueStats.parse(line));
        assertTrue(e.getMessage().startsWith(KernelQueueStats.PROC_FILE + " line 1: "), e.getMessage());
    }
}
