package org.nfqwall.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class QueueNumbersTest {

    @Test
    void readsOneQueue() {
        QueueNumbers q = QueueNumbers.parse("6");
        assertEquals(List.of(6), q.toList());
        assertEquals("6", q.toString());
        assertTrue(q.contiguous());
    }

    @Test
    void readsARange() {
        QueueNumbers q = QueueNumbers.parse("0-3");
        assertEquals(List.of(0, 1, 2, 3), q.toList());
        assertEquals(0, q.first());
        assertEquals(3, q.last());
        assertTrue(q.contiguous());
    }

    @Test
    void readsACommaListInAscendingOrder() {
        QueueNumbers q = QueueNumbers.parse("10-11, 4,6");
        assertEquals(List.of(4, 6, 10, 11), q.toList());
        assertEquals("4,6,10-11", q.toString());
        assertFalse(q.contiguous());
        assertEquals(q, QueueNumbers.parse(q.toString()));
    }

    @Test
    void acceptsTheHighestQueueAndSixtyFourQueues() {
        assertEquals(List.of(65535), QueueNumbers.parse("65535").toList());
        assertEquals(64, QueueNumbers.parse("0-63").size());
        assertEquals(64, QueueNumbers.parse("65472-65535").size());
    }

    @Test
    void theDefaultRangeIsOneQueuePerCore() {
        assertEquals(List.of(0, 1), QueueNumbers.range(0, 2).toList());
        assertThrows(IllegalArgumentException.class, () -> QueueNumbers.range(0, 0));
        assertThrows(IllegalArgumentException.class, () -> QueueNumbers.range(0, 65));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|queue list is empty",
        "' '|queue list is empty",
        "1,|item 2 is empty",
        "a|item 1 \"a\" is not a queue or range",
        "-1|item 1 \"-1\" is not a queue or range",
        "1:3|item 1 \"1:3\" is not a queue or range",
        "65536|item 1: queue 65536 is out of range",
        "3-1|range 3-1 runs backwards",
        "0-3,2|item 2 (2) overlaps item 1; list each queue once",
        "5,5|item 2 (5) overlaps item 1",
        "0-64|names more than 64 queues",
        "0-40,100-130|names more than 64 queues",
        "123456|is not a queue or range",
    })
    void refusesWithTheItemAndWhatIsExpected(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QueueNumbers.parse(text));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertTrue(e.getMessage().contains("expected") || e.getMessage().contains("once"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0-1", "0-3,7", "1,3,5-9,12"})
    void theShortFormReadsBack(String text) {
        assertEquals(text, QueueNumbers.parse(text).toString());
    }
}
