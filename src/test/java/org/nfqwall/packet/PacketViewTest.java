package org.nfqwall.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nfqwall.packet.PacketFixtures.*;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PacketViewTest {
    /** Odd, so that no read can rely on alignment. */
    private static final int AT = 101;

    private final PacketView view = new PacketView();

    private ByteBuffer decoded(String fixture) {
        return decoded(load(fixture));
    }

    private ByteBuffer decoded(byte[] packet) {
        ByteBuffer buf = inDirectBuffer(packet, AT);
        assertEquals(Malformed.NONE, view.decode(buf, AT, packet.length));
        assertEquals(Malformed.NONE, view.malformed);
        return buf;
    }

    private static String text(ByteBuffer buf, int offset, int length) {
        byte[] bytes = new byte[length];
        buf.get(offset, bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private InetAddress src() {
        return address(view.srcHi, view.srcLo);
    }

    private InetAddress dst() {
        return address(view.dstHi, view.dstLo);
    }

    /** The JDK's reading of a 128-bit address; an IPv4-mapped one comes back as IPv4. */
    private static InetAddress address(long hi, long lo) {
        try {
            return InetAddress.getByAddress(ByteBuffer.allocate(16).putLong(hi).putLong(lo).array());
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** An address literal (never a DNS look-up: getByName does none for literals). */
    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void decodesIpv4TcpSyn() {
        decoded(IPV4_TCP_SYN);
        assertEquals(4, view.ipVersion);
        assertEquals(ip("10.99.0.1"), src());
        assertEquals(ip("10.99.0.2"), dst());
        assertEquals(0, view.srcHi);
        assertEquals(0x0000FFFF_0A630001L, view.srcLo);
        assertEquals(64, view.hopLimit);
        assertEquals(20, view.ipHeaderLength);
        assertEquals(PacketView.PROTO_TCP, view.l4Protocol);
        assertEquals(AT + 20, view.l4Offset);
        assertEquals(49578, view.srcPort);
        assertEquals(8080, view.dstPort);
        assertEquals(PacketView.TCP_SYN, view.tcpFlags);
        assertEquals(1854376110L, view.tcpSeq);
        assertEquals(AT + 60, view.payloadOffset, "40 bytes of TCP header with options");
        assertEquals(0, view.payloadLength);
        assertFalse(view.truncated);
        assertFalse(view.firstFragment);
        assertFalse(view.laterFragment);
    }

    @Test
    void findsHttpRequestHeadInIpv4TcpPayload() {
        ByteBuffer buf = decoded(IPV4_TCP_HTTP_GET);
        assertEquals(PacketView.TCP_PSH | PacketView.TCP_ACK, view.tcpFlags);
        assertEquals(1854376111L, view.tcpSeq);
        assertEquals(AT + 52, view.payloadOffset);
        assertEquals(88, view.payloadLength);
        String head = text(buf, view.payloadOffset, view.payloadLength);
        assertTrue(head.startsWith("GET /index.html HTTP/1.1\r\nHost: 10.99.0.2:8080\r\n"), head);
        assertTrue(head.endsWith("\r\n\r\n"), head);
    }

    @Test
    void skipsIpv4Options() {
        ByteBuffer buf = decoded(IPV4_UDP_OPTIONS);
        assertEquals(32, view.ipHeaderLength, "IHL 8: 12 bytes of Record Route option");
        assertEquals(AT + 32, view.l4Offset);
        assertEquals(PacketView.PROTO_UDP, view.l4Protocol);
        assertEquals(33711, view.srcPort);
        assertEquals(9999, view.dstPort);
        assertEquals("options\n", text(buf, view.payloadOffset, view.payloadLength));
    }

    @Test
    void decodesIpv4Udp() {
        ByteBuffer buf = decoded(IPV4_UDP);
        assertEquals(PacketView.PROTO_UDP, view.l4Protocol);
        assertEquals(58777, view.srcPort);
        assertEquals(9999, view.dstPort);
        assertEquals(AT + 28, view.payloadOffset);
        assertEquals("hello nfqwall\n", text(buf, view.payloadOffset, view.payloadLength));
        assertEquals(0, view.tcpFlags);
        assertEquals(0, view.tcpSeq);
    }

    @Test
    void decodesIpv6TcpWithSequenceAboveTwoToThe31() {
        ByteBuffer buf = decoded(IPV6_TCP_HTTP_GET);
        assertEquals(6, view.ipVersion);
        assertEquals(ip("fd00:99::1"), src());
        assertEquals(ip("fd00:99::2"), dst());
        assertEquals(0xFD00_0099_0000_0000L, view.srcHi);
        assertEquals(1L, view.srcLo);
        assertEquals(40, view.ipHeaderLength);
        assertEquals(64, view.hopLimit);
        assertEquals(52564, view.srcPort);
        assertEquals(8080, view.dstPort);
        assertEquals(4208821292L, view.tcpSeq);
        assertEquals(AT + 72, view.payloadOffset);
        assertEquals(91, view.payloadLength);
        assertTrue(text(buf, view.payloadOffset, view.payloadLength).startsWith("GET /index.html HTTP/1.1\r\nHost: [fd00:99::2]:8080\r\n"));
    }

    @Test
    void decodesIpv6Udp() {
        ByteBuffer buf = decoded(IPV6_UDP);
        assertEquals(PacketView.PROTO_UDP, view.l4Protocol);
        assertEquals(AT + 40, view.l4Offset);
        assertEquals(9999, view.dstPort);
        assertEquals("hello nfqwall\n", text(buf, view.payloadOffset, view.payloadLength));
    }

    @Test
    void walksHopByHopDestinationOptionsAndFragmentToUdp() {
        decoded(IPV6_HBH_DST_FRAGMENT_FIRST);
        assertEquals(64, view.ipHeaderLength, "40 + Hop-by-Hop 8 + Destination Options 8 + Fragment 8");
        assertEquals(AT + 64, view.l4Offset);
        assertEquals(PacketView.PROTO_UDP, view.l4Protocol);
        assertTrue(view.firstFragment);
        assertFalse(view.laterFragment);
        assertEquals(50519, view.srcPort);
        assertEquals(9997, view.dstPort);
        assertEquals(AT + 72, view.payloadOffset);
        assertEquals(1280 - 72, view.payloadLength, "the UDP length counts the whole datagram; clipped to the fragment");
    }

    @Test
    void ipv6LaterFragmentHasNoPorts() {
        decoded(IPV6_FRAGMENT_LATER);
        assertTrue(view.laterFragment);
        assertFalse(view.firstFragment);
        assertEquals(PacketView.PROTO_UDP, view.l4Protocol);
        assertEquals(0, view.srcPort);
        assertEquals(0, view.dstPort);
        assertEquals(AT + 64, view.payloadOffset);
        assertEquals(92, view.payloadLength);
    }

    @Test
    void ipv4FirstFragmentDecodesUdpPorts() {
        decoded(IPV4_FRAGMENT_FIRST);
        assertTrue(view.firstFragment);
        assertFalse(view.laterFragment);
        assertEquals(34563, view.srcPort);
        assertEquals(9998, view.dstPort);
        assertEquals(1276 - 28, view.payloadLength);
    }

    @Test
    void ipv4LaterFragmentHasNoPorts() {
        decoded(IPV4_FRAGMENT_LATER);
        assertTrue(view.laterFragment);
        assertFalse(view.firstFragment);
        assertEquals(PacketView.PROTO_UDP, view.l4Protocol);
        assertEquals(0, view.srcPort);
        assertEquals(AT + 20, view.payloadOffset);
        assertEquals(52, view.payloadLength);
    }

    @Test
    void decodesOtherProtocolsUpToIp() {
        decoded(IPV4_ICMP);
        assertEquals(1, view.l4Protocol);
        assertEquals(0, view.srcPort);
        assertEquals(0, view.dstPort);
        assertEquals(AT + 20, view.payloadOffset);
        assertEquals(50, view.payloadLength);
    }

    @Test
    void ignoresLinkPaddingAfterIpLength() {
        for (String fixture : new String[] {IPV4_UDP, IPV6_UDP}) {
            byte[] packet = load(fixture);
            ByteBuffer buf = decoded(Arrays.copyOf(packet, packet.length + 6));
            assertFalse(view.truncated, fixture);
            assertEquals("hello nfqwall\n", text(buf, view.payloadOffset, view.payloadLength), fixture);
            assertTrue(view.checksumValid(buf), fixture);
        }
    }

    @Test
    void shortCaptureIsTruncatedWithPayloadClipped() {
        byte[] packet = load(IPV4_TCP_HTTP_GET);
        ByteBuffer buf = decoded(Arrays.copyOf(packet, 70));
        assertTrue(view.truncated);
        assertEquals(AT + 52, view.payloadOffset);
        assertEquals(18, view.payloadLength);
        assertEquals("GET /index.html HT", text(buf, view.payloadOffset, view.payloadLength));
    }

    @Test
    void truncatedTcpCountsTheBytesThatWereNotCaptured() {
        byte[] packet = load(IPV4_TCP_HTTP_GET);
        decoded(Arrays.copyOf(packet, 70));
        assertEquals(88 - 18, view.payloadMissing);
        decoded(packet);
        assertEquals(0, view.payloadMissing);
    }

    @Test
    void truncatedUdpCountsTheDatagramBytesThatWereNotCaptured() {
        byte[] packet = load(IPV4_UDP);
        int whole = packet.length - 28;
        decoded(Arrays.copyOf(packet, 30));
        assertTrue(view.truncated);
        assertEquals(2, view.payloadLength);
        assertEquals(whole - 2, view.payloadMissing);
    }

    @Test
    void ipv4TotalLengthZeroTakesTheWireLengthOfABigGsoPacket() {
        byte[] packet = load(IPV4_TCP_HTTP_GET);
        packet[2] = 0;
        packet[3] = 0;
        ByteBuffer buf = ByteBuffer.allocateDirect(AT + packet.length + 16);
        buf.put(AT, packet);
        assertEquals(Malformed.NONE, view.decode(buf, AT, packet.length, 100_000));
        assertTrue(view.truncated);
        assertEquals(88, view.payloadLength);
        assertEquals(100_000 - packet.length, view.payloadMissing);
        assertEquals(Malformed.BAD_IPV4_LENGTH, view.decode(buf, AT, packet.length, packet.length));
    }

    @Test
    void maxHeaderBytesCoversTheLongestIpv6ChainAndTcpHeader() {
        assertEquals(40 + 8 * 2048 + 60, PacketView.MAX_HEADER_BYTES);
    }

    @Test
    void ipv6PayloadLengthBeyondCaptureIsTruncatedNotMalformed() {
        byte[] packet = load(IPV6_TCP_HTTP_GET);
        packet[4] = 0x07;
        packet[5] = (byte) 0xD0;
        decoded(packet);
        assertTrue(view.truncated);
        assertEquals(91, view.payloadLength);
    }

    @Test
    void udpPayloadFollowsUdpLengthNotIpLength() {
        byte[] packet = load(IPV4_UDP);
        packet[25] = 8 + 5;
        ByteBuffer buf = decoded(packet);
        assertEquals("hello", text(buf, view.payloadOffset, view.payloadLength));
    }

    @Test
    void neverMovesTheBuffer() {
        byte[] packet = load(IPV6_TCP_HTTP_GET);
        ByteBuffer buf = inDirectBuffer(packet, AT);
        buf.position(7).limit(AT + packet.length + 3);
        view.decode(buf, AT, packet.length);
        view.checksumValid(buf);
        assertEquals(7, buf.position());
        assertEquals(AT + packet.length + 3, buf.limit());
        assertEquals(ByteOrder.BIG_ENDIAN, buf.order());
    }

    @Test
    void windowOutsideTheBufferIsBadIpHeader() {
        byte[] packet = load(IPV4_UDP);
        ByteBuffer buf = inDirectBuffer(packet, AT);
        assertEquals(Malformed.BAD_IP_HEADER, view.decode(buf, -1, packet.length));
        assertEquals(Malformed.BAD_IP_HEADER, view.decode(buf, AT, buf.limit()));
        assertEquals(Malformed.BAD_IP_HEADER, view.decode(buf, Integer.MAX_VALUE, 20));
        assertEquals(Malformed.BAD_IP_HEADER, view.decode(buf, AT, -5));
        assertEquals(Malformed.BAD_IP_HEADER, view.decode(buf, AT, 0));
    }

    @Test
    void littleEndianBufferDecodesTheSame() {
        for (String fixture : ALL) {
            byte[] packet = load(fixture);
            ByteBuffer big = inDirectBuffer(packet, AT);
            PacketView expected = new PacketView();
            expected.decode(big, AT, packet.length);
            ByteBuffer little = big.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(Malformed.NONE, view.decode(little, AT, packet.length), fixture);
            assertEquals(expected.srcLo, view.srcLo, fixture);
            assertEquals(expected.dstHi, view.dstHi, fixture);
            assertEquals(expected.tcpSeq, view.tcpSeq, fixture);
            assertEquals(expected.dstPort, view.dstPort, fixture);
            assertEquals(expected.payloadLength, view.payloadLength, fixture);
            assertTrue(view.checksumValid(little), fixture);
        }
    }

    @Test
    void reusedViewForgetsThePreviousPacket() {
        decoded(IPV4_TCP_HTTP_GET);
        decoded(IPV4_ICMP);
        assertEquals(0, view.srcPort);
        assertEquals(0, view.tcpFlags);
        assertEquals(0, view.tcpSeq);
        decoded(IPV4_FRAGMENT_FIRST);
        decoded(IPV4_UDP);
        assertFalse(view.firstFragment);
    }
}
