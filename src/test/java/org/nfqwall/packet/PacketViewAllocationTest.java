package org.nfqwall.packet;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nfqwall.testing.Allocations;

/** The per-packet path allocates nothing: decode and checksumValid over a buffer of captured packets. */
class PacketViewAllocationTest {
    private static final int PACKETS = 100_000;
    /** What the two allocation readings may cost themselves, not the code under test. */
    private static final long MEASUREMENT_SLACK_BYTES = 512;

    @Test
    void decodeAndChecksumAllocateNothing() {
        List<String> names = PacketFixtures.ALL;
        int[] offsets = new int[names.size()];
        int[] lengths = new int[names.size()];
        ByteBuffer buf = ByteBuffer.allocateDirect(8192);
        int at = 3;
        for (int i = 0; i < names.size(); i++) {
            byte[] packet = PacketFixtures.load(names.get(i));
            buf.put(at, packet);
            offsets[i] = at;
            lengths[i] = packet.length;
            at += packet.length + 1;
        }
        PacketView view = new PacketView();
        long sink = run(view, buf, offsets, lengths);
        sink += run(view, buf, offsets, lengths);

        long[] kept = {sink};
        long allocated = Allocations.leastPerRound(() -> kept[0] += run(view, buf, offsets, lengths));

        assertTrue(kept[0] != 42, "keeps the loop's results alive");
        assertTrue(allocated <= MEASUREMENT_SLACK_BYTES,
                allocated + " bytes allocated for " + PACKETS + " packets");
    }

    private static long run(PacketView view, ByteBuffer buf, int[] offsets, int[] lengths) {
        long sink = 0;
        for (int i = 0; i < PACKETS; i++) {
            int which = i % offsets.length;
            view.decode(buf, offsets[which], lengths[which]);
            sink += view.payloadLength + view.srcPort + (view.checksumValid(buf) ? 1 : 0) + view.malformed.ordinal();
        }
        return sink;
    }
}
