package org.nfqwall.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nfqwall.packet.Malformed.*;
import static org.nfqwall.packet.PacketFixtures.*;

import java.nio.ByteBuffer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Truncated and corrupted captures decode without throwing and say why they are malformed. */
class MalformedPacketTest {
    private static final int AT = 17;

    private final PacketView view = new PacketView();

    /**
     * Where each fixture's headers end: a prefix shorter than {@code ends[i]} is {@code reasons[i]}
     * (the first end it falls short of); a prefix past the last end is a truncated but usable view.
     */
    static Stream<Arguments> headerEnds() {
        return Stream.of(
                Arguments.of(IPV4_TCP_SYN, new int[] {20, 60}, new Malformed[] {BAD_IP_HEADER, BAD_TCP_HEADER}),
                Arguments.of(IPV4_TCP_HTTP_GET, new int[] {20, 52}, new Malformed[] {BAD_IP_HEADER, BAD_TCP_HEADER}),
                Arguments.of(IPV4_UDP, new int[] {20, 28}, new Malformed[] {BAD_IP_HEADER, BAD_UDP_HEADER}),
                Arguments.of(IPV4_UDP_OPTIONS, new int[] {20, 32, 40},
                        new Malformed[] {BAD_IP_HEADER, BAD_IPV4_LENGTH, BAD_UDP_HEADER}),
                Arguments.of(IPV4_FRAGMENT_FIRST, new int[] {20, 28}, new Malformed[] {BAD_IP_HEADER, BAD_UDP_HEADER}),
                Arguments.of(IPV4_FRAGMENT_LATER, new int[] {20}, new Malformed[] {BAD_IP_HEADER}),
                Arguments.of(IPV4_ICMP, new int[] {20}, new Malformed[] {BAD_IP_HEADER}),
                Arguments.of(IPV6_UDP, new int[] {40, 48}, new Malformed[] {BAD_IP_HEADER, BAD_UDP_HEADER}),
                Arguments.of(IPV6_TCP_HTTP_GET, new int[] {40, 72}, new Malformed[] {BAD_IP_HEADER, BAD_TCP_HEADER}),
                Arguments.of(IPV6_HBH_DST_FRAGMENT_FIRST, new int[] {40, 64, 72},
                        new Malformed[] {BAD_IP_HEADER, BAD_IPV6_LENGTH, BAD_UDP_HEADER}),
                Arguments.of(IPV6_FRAGMENT_LATER, new int[] {40, 64}, new Malformed[] {BAD_IP_HEADER, BAD_IPV6_LENGTH}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("headerEnds")
    void everyPrefixIsMalformedOrTruncated(String fixture, int[] ends, Malformed[] reasons) {
        byte[] packet = load(fixture);
        ByteBuffer buf = inDirectBuffer(packet, AT);
        for (int length = 0; length <= packet.length; length++) {
            Malformed expected = NONE;
            for (int i = ends.length - 1; i >= 0; i--) {
                if (length < ends[i]) {
                    expected = reasons[i];
                }
            }
            String where = fixture + " cut to " + length + " bytes";
            assertEquals(expected, view.decode(buf, AT, length), where);
            assertTrue(view.checksumValid(buf), where);
            if (expected == NONE) {
                assertEquals(length < packet.length, view.truncated, where);
                assertTrue(view.payloadLength >= 0, where);
                assertTrue(view.payloadOffset + view.payloadLength <= AT + length, where);
            }
        }
    }

    static Stream<Arguments> corruptions() {
        return Stream.of(
                corrupt("version 5", IPV4_UDP, BAD_IP_HEADER, 0, 0x55),
                corrupt("version 0", IPV4_UDP, BAD_IP_HEADER, 0, 0x05),
                corrupt("IPv6 packet labelled version 4", IPV6_UDP, BAD_IPV4_LENGTH, 0, 0x40),
                corrupt("IPv4 IHL 4", IPV4_UDP, BAD_IPV4_LENGTH, 0, 0x44),
                corrupt("IPv4 IHL 0", IPV4_UDP, BAD_IPV4_LENGTH, 0, 0x40),
                corrupt("IPv4 IHL 15 beyond the packet", IPV4_UDP, BAD_IPV4_LENGTH, 0, 0x4F),
                corrupt("IPv4 total length 19", IPV4_UDP, BAD_IPV4_LENGTH, 2, 0, 3, 19),
                corrupt("IPv4 total length 0", IPV4_TCP_SYN, BAD_IPV4_LENGTH, 2, 0, 3, 0),
                corrupt("IPv4 total length inside options", IPV4_UDP_OPTIONS, BAD_IPV4_LENGTH, 2, 0, 3, 28),
                corrupt("IPv4 total length ends inside TCP options", IPV4_TCP_SYN, BAD_TCP_HEADER, 2, 0, 3, 40),
                corrupt("TCP data offset 4", IPV4_TCP_SYN, BAD_TCP_HEADER, 32, 0x40),
                corrupt("TCP data offset 0", IPV4_TCP_HTTP_GET, BAD_TCP_HEADER, 32, 0x00),
                corrupt("TCP data offset 15 beyond the packet", IPV4_TCP_SYN, BAD_TCP_HEADER, 32, 0xF0),
                corrupt("IPv6 TCP data offset beyond payload length", IPV6_TCP_HTTP_GET, BAD_TCP_HEADER, 4, 0, 5, 30),
                corrupt("UDP length 7", IPV4_UDP, BAD_UDP_HEADER, 24, 0, 25, 7),
                corrupt("UDP length 0", IPV6_UDP, BAD_UDP_HEADER, 44, 0, 45, 0),
                corrupt("UDP length beyond IP length", IPV4_UDP, BAD_UDP_HEADER, 24, 0, 25, 23),
                corrupt("UDP length beyond IPv6 payload length", IPV6_UDP, BAD_UDP_HEADER, 4, 0, 5, 10),
                corrupt("IPv6 jumbogram (payload length 0, Hop-by-Hop)", IPV6_HBH_DST_FRAGMENT_FIRST, BAD_IPV6_LENGTH, 4, 0, 5, 0),
                corrupt("Hop-by-Hop length beyond the packet", IPV6_FRAGMENT_LATER, BAD_IPV6_LENGTH, 41, 0xFF),
                corrupt("Destination Options length beyond the packet", IPV6_FRAGMENT_LATER, BAD_IPV6_LENGTH, 49, 0x20),
                corrupt("extension headers beyond payload length", IPV6_FRAGMENT_LATER, BAD_IPV6_LENGTH, 4, 0, 5, 12),
                corrupt("first fragment too short for the UDP header", IPV4_FRAGMENT_FIRST, BAD_UDP_HEADER, 2, 0, 3, 24),
                corrupt("IPv6 first fragment too short for the UDP header", IPV6_HBH_DST_FRAGMENT_FIRST, BAD_UDP_HEADER, 4, 0, 5, 28));
    }

    private static Arguments corrupt(String what, String fixture, Malformed expected, int... indexValuePairs) {
        return Arguments.of(what, fixture, expected, indexValuePairs);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corruptions")
    void corruptedHeaderNamesTheReason(String what, String fixture, Malformed expected, int[] edits) {
        byte[] packet = load(fixture);
        for (int i = 0; i < edits.length; i += 2) {
            packet[edits[i]] = (byte) edits[i + 1];
        }
        ByteBuffer buf = inDirectBuffer(packet, AT);
        assertEquals(expected, view.decode(buf, AT, packet.length), what);
        assertEquals(expected, view.malformed, what);
        assertTrue(view.checksumValid(buf), what);
    }
}
