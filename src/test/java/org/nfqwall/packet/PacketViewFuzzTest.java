package org.nfqwall.packet;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Random and mutated inputs never make decode or checksumValid throw, and views stay in bounds. */
class PacketViewFuzzTest {
    private static final int ROUNDS = 100_000;
    private static final long SEED = 0x6E66717761_6C6CL;
    private static final int[] INTERESTING_NEXT_HEADERS = {0, 6, 17, 43, 44, 47, 50, 51, 58, 59, 60, 1, 255};

    private final PacketView view = new PacketView();
    private final ByteBuffer buf = ByteBuffer.allocateDirect(4096);

    @Test
    void randomBytesNeverThrow() {
        Random random = new Random(SEED);
        byte[][] fixtures = java.util.stream.Stream.concat(PacketFixtures.ALL.stream(), PacketFixtures.GRE.stream())
                .map(PacketFixtures::load).toArray(byte[][]::new);
        for (int round = 0; round < ROUNDS; round++) {
            byte[] packet = switch (round % 3) {
                case 0 -> pureNoise(random);
                case 1 -> plausibleHeaders(random);
                default -> mutatedFixture(random, fixtures[random.nextInt(fixtures.length)]);
            };
            int at = random.nextInt(buf.capacity() - packet.length);
            buf.put(at, packet);
            int length = random.nextInt(8) == 0 ? random.nextInt(packet.length + 1) : packet.length;
            String where = "round " + round;
            Malformed result = assertDoesNotThrow(() -> view.decode(buf, at, length), where);
            assertDoesNotThrow(() -> view.checksumValid(buf), where);
            assertEquals(result, view.malformed, where);
            if (result == Malformed.NONE) {
                assertInBounds(at, length, where);
            }
        }
    }

    @Test
    void oddWindowsNeverThrow() {
        Random random = new Random(SEED + 1);
        for (int round = 0; round < 10_000; round++) {
            int offset = random.nextInt(9000) - 1000;
            int length = random.nextInt(9000) - 1000;
            assertDoesNotThrow(() -> view.decode(buf, offset, length));
            assertDoesNotThrow(() -> view.checksumValid(buf));
        }
        assertDoesNotThrow(() -> view.decode(buf, Integer.MAX_VALUE, Integer.MAX_VALUE));
        assertDoesNotThrow(() -> view.decode(buf, Integer.MIN_VALUE, Integer.MAX_VALUE));
    }

    private void assertInBounds(int at, int length, String where) {
        assertTrue(view.l4Offset >= at && view.l4Offset <= at + length, where);
        assertTrue(view.payloadOffset >= view.l4Offset, where);
        assertTrue(view.payloadLength >= 0, where);
        assertTrue(view.payloadOffset + view.payloadLength <= at + length, where);
        assertTrue(view.ipVersion == 4 || view.ipVersion == 6, where);
    }

    private static byte[] pureNoise(Random random) {
        byte[] packet = new byte[random.nextInt(160)];
        random.nextBytes(packet);
        return packet;
    }

    /** Noise behind a version nibble and, for IPv6, a next header that leads somewhere. */
    private static byte[] plausibleHeaders(Random random) {
        byte[] packet = pureNoise(random);
        if (packet.length == 0) {
            return packet;
        }
        boolean v6 = random.nextBoolean();
        packet[0] = (byte) (v6 ? 0x60 : 0x45 + random.nextInt(3));
        if (packet.length > 6 && random.nextBoolean()) {
            int ipLength = v6 ? packet.length - 40 : packet.length;
            packet[2 + (v6 ? 2 : 0)] = (byte) (ipLength >> 8);
            packet[3 + (v6 ? 2 : 0)] = (byte) ipLength;
        }
        for (int i = 6; i < packet.length; i += 8) {
            if (random.nextInt(3) > 0) {
                packet[i] = (byte) INTERESTING_NEXT_HEADERS[random.nextInt(INTERESTING_NEXT_HEADERS.length)];
            }
        }
        if (!v6 && packet.length > 9) {
            packet[9] = (byte) new int[] {6, 17, 47}[random.nextInt(3)];
            packet[6] = 0;
        }
        return packet;
    }

    private static byte[] mutatedFixture(Random random, byte[] fixture) {
        byte[] packet = fixture.clone();
        for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
            int at = random.nextInt(Math.min(packet.length, 80));
            packet[at] = (byte) random.nextInt(256);
        }
        return packet;
    }
}
