package org.nfqwall.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nfqwall.packet.PacketFixtures.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ChecksumTest {
    private static final int AT = 33;

    private final PacketView view = new PacketView();

    static Iterable<String> checksummed() {
        return CHECKSUMMED;
    }

    private boolean checksumValid(byte[] packet) {
        ByteBuffer buf = inDirectBuffer(packet, AT);
        assertEquals(Malformed.NONE, view.decode(buf, AT, packet.length));
        return view.checksumValid(buf);
    }

    @ParameterizedTest
    @MethodSource("checksummed")
    void validOnCapturedPacket(String fixture) {
        assertTrue(checksumValid(load(fixture)));
    }

    @ParameterizedTest
    @MethodSource("checksummed")
    void invalidAfterFlippingOneSegmentByte(String fixture) {
        byte[] packet = load(fixture);
        packet[packet.length - 1] ^= 0x01;
        assertFalse(checksumValid(packet));
    }

    @ParameterizedTest
    @MethodSource("checksummed")
    void invalidAfterChangingTheSourceAddress(String fixture) {
        byte[] packet = load(fixture);
        int lastSourceByte = packet[0] >> 4 == 4 ? 15 : 23;
        packet[lastSourceByte] ^= 0x10;
        assertFalse(checksumValid(packet), "the pseudo header covers the addresses");
    }

    @Test
    void udpChecksumZeroOverIpv4MeansNotComputed() {
        byte[] packet = load(IPV4_UDP);
        packet[26] = 0;
        packet[27] = 0;
        assertTrue(checksumValid(packet));
    }

    @Test
    void udpChecksumZeroOverIpv6IsInvalid() {
        byte[] packet = load(IPV6_UDP);
        packet[46] = 0;
        packet[47] = 0;
        assertFalse(checksumValid(packet));
    }

    @ParameterizedTest
    @ValueSource(strings = {IPV4_FRAGMENT_FIRST, IPV4_FRAGMENT_LATER, IPV6_HBH_DST_FRAGMENT_FIRST,
            IPV6_FRAGMENT_LATER, IPV4_ICMP})
    void cannotJudgeFragmentsOrOtherProtocols(String fixture) {
        byte[] packet = load(fixture);
        packet[packet.length - 1] ^= 0x01;
        assertTrue(checksumValid(packet));
    }

    @Test
    void cannotJudgeTruncatedOrMalformedPackets() {
        byte[] packet = load(IPV4_TCP_HTTP_GET);
        assertTrue(checksumValid(Arrays.copyOf(packet, 100)));
        ByteBuffer buf = inDirectBuffer(packet, AT);
        assertEquals(Malformed.BAD_IP_HEADER, view.decode(buf, AT, 10));
        assertTrue(view.checksumValid(buf));
    }

    @Test
    void sumMatchesRfc1071Example() {
        byte[] bytes = {0x00, 0x01, (byte) 0xf2, 0x03, (byte) 0xf4, (byte) 0xf5, (byte) 0xf6, (byte) 0xf7};
        ByteBuffer buf = inDirectBuffer(bytes, 3);
        assertEquals(0xddf2, InternetChecksum.sum(buf, 3, 11));
        assertEquals(0xddf2, InternetChecksum.sum(buf.duplicate().order(ByteOrder.LITTLE_ENDIAN), 3, 11));
    }

    @Test
    void sumMatchesWordByWordSumForAnyLengthAndOffset() {
        Random random = new Random(1071);
        for (int round = 0; round < 2000; round++) {
            byte[] bytes = new byte[random.nextInt(80)];
            random.nextBytes(bytes);
            int at = random.nextInt(9);
            ByteBuffer buf = inDirectBuffer(bytes, at);
            int expected = wordByWord(bytes);
            assertEquals(expected, InternetChecksum.sum(buf, at, at + bytes.length), "length " + bytes.length);
            ByteBuffer little = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(expected, InternetChecksum.sum(little, at, at + bytes.length), "little-endian, length " + bytes.length);
        }
    }

    /** The textbook RFC 1071 loop, as the independent reference. */
    private static int wordByWord(byte[] bytes) {
        long sum = 0;
        for (int i = 0; i < bytes.length; i += 2) {
            int high = bytes[i] & 0xFF;
            int low = i + 1 < bytes.length ? bytes[i + 1] & 0xFF : 0;
            sum += high << 8 | low;
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }
}
