package org.nfqwall.packet;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nfqwall.testing.Allocations;
import org.nfqwall.testing.GreTunnel;

/**
 * The per-packet path allocates nothing: decode and checksumValid over a buffer of captured
 * packets, plain and inside GRE tunnels (with and without the optional fields).
 */
class PacketViewAllocationTest {
    private static final int PACKETS = 100_000;
    /** What the two allocation readings may cost themselves, not the code under test. */
    private static final long MEASUREMENT_SLACK_BYTES = 512;

    @Test
    void decodeAndChecksumAllocateNothing() {
        List<byte[]> packets = new ArrayList<>();
        GreTunnel tunnel = GreTunnel.between("192.0.2.1", "192.0.2.2");
        for (String name : PacketFixtures.ALL) {
            byte[] packet = PacketFixtures.load(name);
            packets.add(packet);
            packets.add(tunnel.key(22).wrap(packet));
        }
        packets.add(tunnel.checksum().key(7).sequence(1).wrap(PacketFixtures.load(PacketFixtures.IPV6_TCP_HTTP_GET)));
        for (String name : PacketFixtures.GRE) {
            packets.add(PacketFixtures.load(name));
        }
        int[] offsets = new int[packets.size()];
        int[] lengths = new int[packets.size()];
        ByteBuffer buf = ByteBuffer.allocateDirect(16384);
        int at = 3;
        for (int i = 0; i < packets.size(); i++) {
            byte[] packet = packets.get(i);
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
