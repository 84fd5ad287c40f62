package org.nfqwall.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pcap against a capture from the lab (tcpdump on the firewall's lan0): tls_client.py sending its
 * ClientHello to [fd99:2::2]:443 in two segments, the whole HTTPS exchange, then one UDP datagram
 * "c300000001" from 10.99.1.2:40000 to 10.99.2.2:443. 20 packets.
 */
class PcapTest {
    private static final String FIXTURE = "/lab/fixtures/tls-v6-two-segments-then-udp.pcap";

    private static byte[] fixture() throws IOException {
        try (InputStream in = PcapTest.class.getResourceAsStream(FIXTURE)) {
            return in.readAllBytes();
        }
    }

    @Test
    void readsEveryPacketOfTheCapture() throws IOException {
        assertEquals(20, Pcap.read(fixture()).size());
    }

    @Test
    void readsIpv6TcpHeaders() throws IOException {
        CapturedPacket syn = Pcap.read(fixture()).get(0);
        assertTrue(syn.isFrom(Lab.CLIENT_V6, 53734), syn.toString());
        assertTrue(syn.isTo(Lab.SERVER_V6, 443), syn.toString());
        assertTrue(syn.hasTcpFlags(CapturedPacket.SYN));
        assertEquals(0, syn.payload().length);
    }

    @Test
    void readsClientHelloSegments() throws IOException {
        List<CapturedPacket> packets = Pcap.read(fixture());
        assertEquals(259, packets.get(3).payload().length);
        assertEquals(258, packets.get(5).payload().length);
        assertEquals(0x16, packets.get(3).payload()[0], "a TLS handshake record");
        assertTrue(packets.get(3).hasTcpFlags(CapturedPacket.PSH));
        assertTrue(packets.get(18).hasTcpFlags(CapturedPacket.RST));
    }

    @Test
    void readsIpv4Udp() throws IOException {
        CapturedPacket udp = Pcap.read(fixture()).get(19);
        assertEquals(CapturedPacket.UDP, udp.protocol());
        assertTrue(udp.isFrom(Lab.CLIENT_V4, 40000));
        assertTrue(udp.isTo(Lab.SERVER_V4, 443));
        assertArrayEquals(HexFormat.of().parseHex("c300000001"), udp.payload());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 16, 62})  // the last record (the UDP datagram) is 63 bytes
    void stopsAtATruncatedLastRecord(int missing) throws IOException {
        byte[] whole = fixture();
        List<CapturedPacket> packets = Pcap.read(Arrays.copyOf(whole, whole.length - missing));
        assertEquals(19, packets.size());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 10, 23})
    void rejectsTooShortFile(int length) throws IOException {
        byte[] head = Arrays.copyOf(fixture(), length);
        assertThrows(IllegalArgumentException.class, () -> Pcap.read(head));
    }

    @Test
    void rejectsOtherFiles() {
        byte[] text = "this is not a capture, only some text".getBytes();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pcap.read(text));
        assertTrue(e.getMessage().contains("magic"), e.getMessage());
    }
}
