package org.nfqwall.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nfqwall.engine.EngineConfig;
import org.nfqwall.nfq.QueueConfig;
import org.nfqwall.packet.PacketView;

/** The queue's copy range follows the inspection limits, capped at what the kernel allows. */
class RunCopyRangeTest {
    private static EngineConfig limits(int maxHead, int maxHello) {
        return new EngineConfig(1024, 60, maxHead, maxHello, 64 << 20, true);
    }

    @Test
    void defaultsCopyTheHeadersAndAHelloWithItsRecords() {
        assertEquals(PacketView.MAX_HEADER_BYTES + 16384 + 1024, RunCommand.copyRange(EngineConfig.defaults()));
        assertEquals(33892, RunCommand.copyRange(EngineConfig.defaults()));
    }

    @Test
    void aLargerHeadLimitWidensTheRange() {
        assertEquals(PacketView.MAX_HEADER_BYTES + 40000, RunCommand.copyRange(limits(40000, 4096)));
    }

    @Test
    void theRangeNeverExceedsTheKernelsLimit() {
        assertEquals(QueueConfig.MAX_COPY_RANGE, RunCommand.copyRange(limits(1 << 20, 1 << 20)));
    }
}
