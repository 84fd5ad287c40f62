package org.nfqwall.nfq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QueueConfigTest {
    @Test
    void defaultsCopyWholePacketsIntoA16MiBBufferAndFailOpen() {
        QueueConfig c = QueueConfig.defaults(10);
        assertEquals(10, c.queueNumber());
        assertEquals(0xFFFF, c.copyRange());
        assertEquals(16 * 1024 * 1024, c.socketReceiveBufferBytes());
        assertEquals(8192, c.maxQueueLength());
        assertTrue(c.failOpen());
        assertEquals(64, c.batchSize());
        assertEquals(200, c.receiveTimeoutMillis());
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
            "queueNumber, -1", "queueNumber, 65536", "copyRange, 0", "copyRange, 65536",
            "socketReceiveBufferBytes, 0", "maxQueueLength, 0", "batchSize, 0", "batchSize, 1025",
            "receiveTimeoutMillis, 0",
    })
    void rejectsAnOutOfRangeFieldByName(String field, int value) {
        QueueConfig d = QueueConfig.defaults(0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new QueueConfig(
                field.equals("queueNumber") ? value : d.queueNumber(),
                field.equals("copyRange") ? value : d.copyRange(),
                field.equals("socketReceiveBufferBytes") ? value : d.socketReceiveBufferBytes(),
                field.equals("maxQueueLength") ? value : d.maxQueueLength(),
                d.failOpen(),
                field.equals("batchSize") ? value : d.batchSize(),
                field.equals("receiveTimeoutMillis") ? value : d.receiveTimeoutMillis()));
        assertTrue(e.getMessage().startsWith(field + " is " + value + ", expected "), e.getMessage());
    }
}
