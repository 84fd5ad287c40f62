package org.nfqwall.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Extension-header chains the captures do not cover, built byte by byte: each helper below
 * writes one header exactly as its RFC draws it.
 */
class Ipv6ExtensionHeaderTest {
    private static final int AT = 9;
    private static final int HOP_BY_HOP = 0;
    private static final int ROUTING = 43;
    private static final int FRAGMENT = 44;
    private static final int ESP = 50;
    private static final int AH = 51;
    private static final int NO_NEXT_HEADER = 59;
    private static final int DESTINATION_OPTIONS = 60;

    private final PacketView view = new PacketView();
    private ByteBuffer buf;

    private Malformed decode(byte[] packet) {
        buf = PacketFixtures.inDirectBuffer(packet, AT);
        return view.decode(buf, AT, packet.length);
    }

    /** An IPv6 header (fd00::1 to fd00::2) followed by {@code parts}; payload length = their sum. */
    private static byte[] ipv6(int nextHeader, byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int payloadLength = 0;
        for (byte[] part : parts) {
            payloadLength += part.length;
        }
        out.writeBytes(new byte[] {0x60, 0, 0, 0, (byte) (payloadLength >> 8), (byte) payloadLength, (byte) nextHeader, 64});
        byte[] address = new byte[16];
        address[0] = (byte) 0xfd;
        address[15] = 1;
        out.writeBytes(address);
        address[15] = 2;
        out.writeBytes(address);
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** Hop-by-Hop or Destination Options, 8 octets: one PadN option. */
    private static byte[] options(int nextHeader) {
        return new byte[] {(byte) nextHeader, 0, 1, 4, 0, 0, 0, 0};
    }

    private static byte[] fragment(int nextHeader, int offsetUnits, boolean more) {
        int offsetAndFlags = offsetUnits << 3 | (more ? 1 : 0);
        return new byte[] {(byte) nextHeader, 0, (byte) (offsetAndFlags >> 8), (byte) offsetAndFlags, 1, 2, 3, 4};
    }

    /** Authentication Header with a 12-octet ICV: 24 octets, Payload Len (24 / 4) - 2 = 4. */
    private static byte[] authentication(int nextHeader) {
        byte[] header = new byte[24];
        header[0] = (byte) nextHeader;
        header[1] = 4;
        return header;
    }

    /** Type 2 routing header (24 octets) with the given segments left. */
    private static byte[] routing(int nextHeader, int segmentsLeft) {
        byte[] header = new byte[24];
        header[0] = (byte) nextHeader;
        header[1] = 2;
        header[2] = 2;
        header[3] = (byte) segmentsLeft;
        return header;
    }

    private static byte[] udp(String payload) {
        byte[] data = payload.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] header = new byte[8 + data.length];
        header[0] = 0x30;
        header[1] = 0x39;
        header[3] = 53;
        header[4] = (byte) (header.length >> 8);
        header[5] = (byte) header.length;
        System.arraycopy(data, 0, header, 8, data.length);
        return header;
    }

    /** Fills in the UDP checksum of {@code packet}, whose UDP header starts at {@code udpAt}. */
    private static byte[] withUdpChecksum(byte[] packet, int udpAt) {
        long sum = 17 + packet.length - udpAt;
        for (int i = 8; i < 40; i += 2) {
            sum += (packet[i] & 0xFF) << 8 | packet[i + 1] & 0xFF;
        }
        for (int i = udpAt; i < packet.length; i += 2) {
            sum += (packet[i] & 0xFF) << 8 | (i + 1 < packet.length ? packet[i + 1] & 0xFF : 0);
        }
        while (sum >> 16 != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        int checksum = (int) ~sum & 0xFFFF;
        packet[udpAt + 6] = (byte) (checksum >> 8);
        packet[udpAt + 7] = (byte) checksum;
        return packet;
    }

    private static byte[] chainOfDestinationOptions(int count) {
        byte[][] parts = new byte[count + 1][];
        for (int i = 0; i < count; i++) {
            parts[i] = options(i == count - 1 ? PacketView.PROTO_UDP : DESTINATION_OPTIONS);
        }
        parts[count] = udp("x");
        return ipv6(DESTINATION_OPTIONS, parts);
    }

    @Test
    void walksUpToMaxExtensionHeaders() {
        assertEquals(Malformed.NONE, decode(chainOfDestinationOptions(PacketView.MAX_EXTENSION_HEADERS)));
        assertEquals(PacketView.PROTO_UDP, view.l4Protocol);
        assertEquals(53, view.dstPort);
        assertEquals(40 + 8 * PacketView.MAX_EXTENSION_HEADERS, view.ipHeaderLength);
    }

    @Test
    void moreThanMaxExtensionHeadersIsMalformed() {
        assertEquals(Malformed.TOO_MANY_EXTENSION_HEADERS,
                decode(chainOfDestinationOptions(PacketView.MAX_EXTENSION_HEADERS + 1)));
    }

    @Test
    void authenticationHeaderLengthCountsFourOctetUnits() {
        byte[] packet = withUdpChecksum(ipv6(AH, authentication(PacketView.PROTO_UDP), udp("signed")), 64);
        assertEquals(Malformed.NONE, decode(packet));
        assertEquals(AT + 64, view.l4Offset);
        assertEquals(53, view.dstPort);
        assertEquals(6, view.payloadLength);
        assertTrue(view.checksumValid(buf));
    }

    @ParameterizedTest
    @ValueSource(ints = {ESP, NO_NEXT_HEADER, 58, 132})
    void stopsAtNonExtensionHeader(int protocol) {
        assertEquals(Malformed.NONE, decode(ipv6(HOP_BY_HOP, options(protocol), new byte[12])));
        assertEquals(protocol, view.l4Protocol);
        assertEquals(AT + 48, view.l4Offset);
        assertEquals(AT + 48, view.payloadOffset);
        assertEquals(12, view.payloadLength);
        assertEquals(0, view.srcPort);
    }

    @Test
    void atomicFragmentIsNeitherFirstNorLater() {
        assertEquals(Malformed.NONE, decode(ipv6(FRAGMENT, fragment(PacketView.PROTO_UDP, 0, false), udp("a"))));
        assertFalse(view.firstFragment);
        assertFalse(view.laterFragment);
        assertEquals(53, view.dstPort);
    }

    @Test
    void laterFragmentStopsTheWalk() {
        byte[] packet = ipv6(FRAGMENT, fragment(DESTINATION_OPTIONS, 100, true), new byte[16]);
        assertEquals(Malformed.NONE, decode(packet));
        assertTrue(view.laterFragment);
        assertEquals(DESTINATION_OPTIONS, view.l4Protocol, "the next header as the fragment header names it");
        assertEquals(AT + 48, view.payloadOffset);
        assertEquals(16, view.payloadLength);
    }

    @Test
    void hopByHopOutOfPlaceIsStillWalked() {
        byte[] packet = ipv6(DESTINATION_OPTIONS, options(HOP_BY_HOP), options(PacketView.PROTO_UDP), udp("late"));
        assertEquals(Malformed.NONE, decode(packet));
        assertEquals(PacketView.PROTO_UDP, view.l4Protocol);
        assertEquals(53, view.dstPort);
    }

    @Test
    void checksumCoversFinalDestinationOnlyWhenRoutingIsDone() {
        byte[] done = withUdpChecksum(ipv6(ROUTING, routing(PacketView.PROTO_UDP, 0), udp("routed")), 64);
        assertEquals(Malformed.NONE, decode(done));
        assertTrue(view.checksumValid(buf));
        done[done.length - 1] ^= 1;
        decode(done);
        assertFalse(view.checksumValid(buf));

        byte[] pending = ipv6(ROUTING, routing(PacketView.PROTO_UDP, 1), udp("routed"));
        pending[64 + 6] = 0x7F; // a wrong checksum, which must not be judged
        assertEquals(Malformed.NONE, decode(pending));
        assertTrue(view.checksumValid(buf), "final destination unknown: cannot judge");
    }

    @Test
    void emptyPayloadWithNoNextHeaderIsFine() {
        assertEquals(Malformed.NONE, decode(ipv6(NO_NEXT_HEADER)));
        assertEquals(0, view.payloadLength);
        assertEquals(40, view.ipHeaderLength);
    }
}
