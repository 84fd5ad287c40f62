package org.nfqwall.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nfqwall.packet.PacketFixtures.*;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nfqwall.testing.GreTunnel;

/** GRE (RFC 2784/2890) decoded through to the inner packet, and everything the receiver would discard. */
class GreHeaderTest {
    /** Odd, so that no read can rely on alignment. */
    private static final int AT = 33;
    private static final GreTunnel V4 = GreTunnel.between("192.0.2.1", "198.51.100.7");
    private static final GreTunnel V6 = GreTunnel.between("2001:db8::1", "2001:db8::7");

    private final PacketView view = new PacketView();
    private final PacketView plain = new PacketView();

    private ByteBuffer decode(byte[] packet, Malformed expected) {
        ByteBuffer buf = inDirectBuffer(packet, AT);
        assertEquals(expected, view.decode(buf, AT, packet.length));
        return buf;
    }

    /** Every combination of C, K and S over IPv4 and IPv6 outer headers, IPv4 and IPv6 inner packets. */
    static Stream<Arguments> tunnels() {
        List<Arguments> out = new ArrayList<>();
        for (GreTunnel outer : List.of(V4, V6)) {
            for (int flags = 0; flags < 8; flags++) {
                GreTunnel t = outer;
                if ((flags & 1) != 0) {
                    t = t.checksum();
                }
                if ((flags & 2) != 0) {
                    t = t.key(0xFFFF_FFFEL);
                }
                if ((flags & 4) != 0) {
                    t = t.sequence(0x8000_0001L);
                }
                for (String inner : List.of(IPV4_TCP_HTTP_GET, IPV6_TCP_HTTP_GET, IPV4_UDP)) {
                    out.add(Arguments.of(inner, t, (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0,
                            outer == V6));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} C={2} K={3} S={4} outer6={5}")
    @MethodSource("tunnels")
    void innerPacketReadsAsThePlainOne(String inner, GreTunnel tunnel, boolean c, boolean k, boolean s, boolean outer6) {
        byte[] innerPacket = load(inner);
        byte[] packet = tunnel.wrap(innerPacket);
        ByteBuffer buf = decode(packet, Malformed.NONE);
        ByteBuffer plainBuf = inDirectBuffer(innerPacket, AT + tunnel.overhead());
        assertEquals(Malformed.NONE, plain.decode(plainBuf, AT + tunnel.overhead(), innerPacket.length));

        assertTrue(view.tunnelled);
        assertEquals(outer6 ? 6 : 4, view.outerIpVersion);
        assertEquals(outer6 ? 0x2001_0db8_0000_0000L : 0, view.outerSrcHi);
        assertEquals(outer6 ? 1 : 0x0000_FFFF_C000_0201L, view.outerSrcLo);
        assertEquals(outer6 ? 7 : 0x0000_FFFF_C633_6407L, view.outerDstLo);
        assertEquals(AT + (outer6 ? 40 : 20), view.greOffset);
        assertEquals(c, view.greChecksumPresent);
        assertEquals(k, view.greKeyPresent);
        assertEquals(k ? 0xFFFF_FFFEL : 0, view.greKey);
        assertEquals(s, view.greSequencePresent);
        assertEquals(s ? 0x8000_0001L : 0, view.greSequence);

        assertEquals(plain.ipVersion, view.ipVersion);
        assertEquals(plain.srcHi, view.srcHi);
        assertEquals(plain.srcLo, view.srcLo);
        assertEquals(plain.dstHi, view.dstHi);
        assertEquals(plain.dstLo, view.dstLo);
        assertEquals(plain.l4Protocol, view.l4Protocol);
        assertEquals(plain.l4Offset, view.l4Offset);
        assertEquals(plain.srcPort, view.srcPort);
        assertEquals(plain.dstPort, view.dstPort);
        assertEquals(plain.tcpSeq, view.tcpSeq);
        assertEquals(plain.tcpFlags, view.tcpFlags);
        assertEquals(plain.payloadOffset, view.payloadOffset);
        assertEquals(plain.payloadLength, view.payloadLength);
        assertEquals(0, view.payloadMissing);
        assertFalse(view.truncated);
        assertTrue(view.checksumValid(buf), "inner transport checksum and GRE checksum both right");
        assertFalse(plain.tunnelled);
    }

    @Test
    void decodesThePacketsThePythonLabToolSends() {
        ByteBuffer buf = decode(load(GRE_KEY22_CSUM_SEQ_IPV4_HTTP_GET), Malformed.NONE);
        assertTrue(view.tunnelled);
        assertEquals(0x0000_FFFF_0A63_0102L, view.outerSrcLo);
        assertEquals(0x0000_FFFF_0A63_0202L, view.outerDstLo);
        assertTrue(view.greChecksumPresent);
        assertEquals(22, view.greKey);
        assertEquals(6, view.greSequence);
        assertEquals(4, view.ipVersion);
        assertEquals(0x0000_FFFF_0A00_0002L, view.srcLo);
        assertEquals(40000, view.srcPort);
        assertEquals(80, view.dstPort);
        assertEquals(1001, view.tcpSeq);
        assertTrue(view.checksumValid(buf), "the tool's GRE and TCP checksums are right");
        byte[] head = new byte[view.payloadLength];
        buf.get(view.payloadOffset, head);
        assertTrue(new String(head, java.nio.charset.StandardCharsets.US_ASCII)
                .startsWith("GET / HTTP/1.1\r\nHost: blocked.example.org\r\n"));

        buf = decode(load(GRE_KEY23_IPV6_HTTP_GET), Malformed.NONE);
        assertTrue(view.tunnelled);
        assertFalse(view.greChecksumPresent);
        assertFalse(view.greSequencePresent);
        assertEquals(23, view.greKey);
        assertEquals(6, view.ipVersion);
        assertEquals(0xFD00_0010_0000_0000L, view.srcHi);
        assertEquals(40001, view.srcPort);
        assertTrue(view.checksumValid(buf));
    }

    @Test
    void wrongGreChecksumFailsTheCheck() {
        byte[] packet = V4.checksum().key(22).wrap(load(IPV4_TCP_HTTP_GET));
        packet[20 + 4] ^= 0x01;
        ByteBuffer buf = decode(packet, Malformed.NONE);
        assertTrue(view.tunnelled);
        assertFalse(view.checksumValid(buf));
    }

    @Test
    void wrongInnerChecksumFailsTheCheckWithOrWithoutGreChecksum() {
        for (GreTunnel t : List.of(V4.key(22), V4.key(22).checksum())) {
            byte[] inner = load(IPV4_TCP_HTTP_GET);
            inner[inner.length - 5] ^= 0x20;
            // Inner checksum broken; a GRE checksum computed over the broken inner packet is right.
            ByteBuffer buf = decode(t.wrap(inner), Malformed.NONE);
            assertFalse(view.checksumValid(buf));
        }
    }

    @Test
    void payloadInGreChecksumCoversPaddingAfterTheInnerPacketNotAfterTheOuter() {
        byte[] packet = V4.checksum().wrap(load(IPV4_UDP));
        byte[] padded = java.util.Arrays.copyOf(packet, packet.length + 6);
        padded[padded.length - 1] = 0x55;
        ByteBuffer buf = decode(padded, Malformed.NONE);
        assertTrue(view.checksumValid(buf), "link padding after the outer packet is not part of it");
    }

    @ParameterizedTest(name = "bits 0x{0}")
    @ValueSource(ints = {0x0800, 0x0400, 0x0200, 0x0100, 0x0080, 0x0008, 0x0F78})
    void reservedBitsThatLinuxIgnoresAreIgnored(int bits) {
        decode(V4.key(22).rawBits(bits).wrap(load(IPV4_TCP_HTTP_GET)), Malformed.NONE);
        assertTrue(view.tunnelled);
        assertEquals(22, view.greKey);
        assertEquals(8080, view.dstPort);
    }

    @Test
    void routingPresentIsMalformed() {
        decode(V4.rawBits(GreTunnel.FLAG_ROUTING).wrap(load(IPV4_TCP_HTTP_GET)), Malformed.BAD_GRE_HEADER);
    }

    @ParameterizedTest(name = "version {0}")
    @ValueSource(ints = {2, 3, 4, 5, 6, 7})
    void versionsAbovePptpAreMalformed(int version) {
        decode(V4.rawBits(version).wrap(load(IPV4_TCP_HTTP_GET)), Malformed.BAD_GRE_HEADER);
    }

    @Test
    void enhancedGreOfPptpIsNotLookedInto() {
        byte[] packet = V4.key(0x0040_0001L).sequence(1).rawBits(1).protocolType(0x880B).wrap(load(IPV4_UDP));
        decode(packet, Malformed.NONE);
        assertFalse(view.tunnelled);
        assertEquals(PacketView.PROTO_GRE, view.l4Protocol);
        assertEquals(AT + 20, view.greOffset);
        assertEquals(AT + 20, view.payloadOffset);
        assertEquals(packet.length - 20, view.payloadLength);
    }

    @ParameterizedTest(name = "protocol type 0x{0}")
    @ValueSource(ints = {0x6558, 0x880B, 0x8847, 0x0000})
    void otherPayloadTypesAreNotLookedInto(int type) {
        decode(V4.key(22).protocolType(type).wrap(load(IPV4_TCP_HTTP_GET)), Malformed.NONE);
        assertFalse(view.tunnelled);
        assertFalse(view.greKeyPresent);
        assertEquals(PacketView.PROTO_GRE, view.l4Protocol);
        assertEquals(0, view.srcPort);
    }

    @Test
    void protocolTypeThatDisagreesWithTheInnerVersionIsMalformed() {
        decode(V4.protocolType(0x86DD).wrap(load(IPV4_TCP_HTTP_GET)), Malformed.BAD_IP_HEADER);
        decode(V4.protocolType(0x0800).wrap(load(IPV6_TCP_HTTP_GET)), Malformed.BAD_IP_HEADER);
    }

    @Test
    void innerPacketLongerThanTheGrePayloadIsMalformed() {
        byte[] packet = V4.key(22).wrap(load(IPV4_TCP_HTTP_GET));
        int total = ((packet[2] & 0xFF) << 8 | (packet[3] & 0xFF)) - 4;
        packet[2] = (byte) (total >>> 8);
        packet[3] = (byte) total;
        decode(packet, Malformed.BAD_GRE_HEADER);
    }

    @Test
    void greInsideGreStaysTheInnerProtocol() {
        byte[] twice = V4.key(23).wrap(GreTunnel.between("10.0.0.1", "10.0.0.2").key(22).wrap(load(IPV4_UDP)));
        decode(twice, Malformed.NONE);
        assertTrue(view.tunnelled);
        assertEquals(23, view.greKey);
        assertEquals(PacketView.PROTO_GRE, view.l4Protocol, "one level only");
        assertEquals(0, view.srcPort);
        assertEquals(0x0000_FFFF_0A00_0001L, view.srcLo);
    }

    @ParameterizedTest(name = "flags and offset 0x{0}")
    @ValueSource(ints = {0x2000, 0x0001, 0x2010})
    void outerFragmentIsNotDecodedPastIp(int flagsAndOffset) {
        byte[] packet = V4.key(22).wrap(load(IPV4_TCP_HTTP_GET));
        packet[6] = (byte) (flagsAndOffset >>> 8);
        packet[7] = (byte) flagsAndOffset;
        decode(packet, Malformed.NONE);
        assertFalse(view.tunnelled);
        assertFalse(view.greKeyPresent);
        assertEquals(PacketView.PROTO_GRE, view.l4Protocol);
    }

    @Test
    void innerFragmentIsDecodedAsAFragment() {
        decode(V4.key(22).wrap(load(IPV4_FRAGMENT_LATER)), Malformed.NONE);
        assertTrue(view.tunnelled);
        assertTrue(view.laterFragment);
        decode(V4.key(22).wrap(load(IPV4_FRAGMENT_FIRST)), Malformed.NONE);
        assertTrue(view.tunnelled);
        assertTrue(view.firstFragment);
    }

    /**
     * Every prefix of a tunnelled packet: cut inside the outer header or GRE header, the inner IP or
     * TCP header it is malformed; past the inner TCP header a truncated but usable view.
     */
    @ParameterizedTest(name = "C={0}")
    @ValueSource(booleans = {false, true})
    void everyPrefixIsMalformedOrTruncated(boolean withChecksum) {
        GreTunnel t = withChecksum ? V4.checksum().key(22).sequence(5) : V4.key(22);
        byte[] packet = t.wrap(load(IPV4_TCP_HTTP_GET));
        int gre = 20;
        int inner = t.overhead();
        ByteBuffer buf = inDirectBuffer(packet, AT);
        for (int length = 0; length <= packet.length; length++) {
            Malformed expected;
            if (length < gre) {
                expected = Malformed.BAD_IP_HEADER;
            } else if (length <= inner) {
                expected = Malformed.BAD_GRE_HEADER;
            } else if (length < inner + 20) {
                expected = Malformed.BAD_IP_HEADER;
            } else if (length < inner + 52) {
                expected = Malformed.BAD_TCP_HEADER;
            } else {
                expected = Malformed.NONE;
            }
            int cut = length;
            assertEquals(expected, view.decode(buf, AT, length), () -> "prefix of " + cut);
            if (expected == Malformed.NONE) {
                assertEquals(length < packet.length, view.truncated, "prefix of " + cut);
                assertEquals(packet.length - length, view.payloadMissing, "prefix of " + cut);
                assertTrue(view.checksumValid(buf), "a truncated packet cannot be judged");
            }
        }
    }

    @Test
    void aPlainPacketAfterATunnelledOneHasNoTunnelFields() {
        decode(V4.checksum().key(22).sequence(9).wrap(load(IPV4_TCP_HTTP_GET)), Malformed.NONE);
        decode(load(IPV4_TCP_HTTP_GET), Malformed.NONE);
        assertFalse(view.tunnelled);
        assertFalse(view.greKeyPresent);
        assertFalse(view.greChecksumPresent);
        assertFalse(view.greSequencePresent);
        assertEquals(0, view.greKey);
        assertEquals(0, view.greOffset);
        assertEquals(0, view.outerSrcLo);
    }
}
