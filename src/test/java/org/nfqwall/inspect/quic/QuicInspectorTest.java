package org.nfqwall.inspect.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nfqwall.inspect.quic.QuicInspector.CLIENT_HELLO;
import static org.nfqwall.inspect.quic.QuicInspector.NEED_MORE;
import static org.nfqwall.inspect.quic.QuicInspector.NOT_QUIC;
import static org.nfqwall.inspect.quic.QuicInspector.UNREADABLE;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading ClientHellos from Initials: whole, split, reordered, coalesced, after a Retry, again. */
class QuicInspectorTest extends QuicFixture {
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void readsClientHelloInOneInitial(int version) {
        byte[] d = new QuicInitialBuilder(versionNumber(version), DCID).datagram(hello("www.example.org", 0));
        assertEquals(1200, d.length);
        assertEquals(CLIENT_HELLO, inspect(d));
        assertEquals("www.example.org", out.sni());
        assertEquals("h3", out.alpn(0));
    }

    @ParameterizedTest
    @CsvSource({"1,2,false", "1,2,true", "1,3,false", "1,3,true", "2,2,false", "2,2,true", "2,3,false", "2,3,true"})
    void readsClientHelloSplitAcrossInitials(int version, int packets, boolean reversed) {
        List<byte[]> datagrams = new QuicInitialBuilder(versionNumber(version), DCID)
                .datagrams(hello("split.example.net", 2500), packets);
        if (reversed) {
            Collections.reverse(datagrams);
        }
        for (int i = 0; i < packets - 1; i++) {
            assertEquals(NEED_MORE, inspect(datagrams.get(i)), "datagram " + i);
        }
        assertEquals(CLIENT_HELLO, inspect(datagrams.get(packets - 1)));
        assertEquals("split.example.net", out.sni());
    }

    @Test
    void readsCryptoFramesOutOfOrderWithinOnePacket() {
        byte[] h = hello("inner.example", 0);
        int a = h.length / 3;
        int b = 2 * h.length / 3;
        byte[] frames = ClientHellos.concat(
                QuicInitialBuilder.cryptoFrame(b, Arrays.copyOfRange(h, b, h.length)),
                new byte[] {0x01},
                QuicInitialBuilder.cryptoFrame(0, Arrays.copyOfRange(h, 0, a)),
                QuicInitialBuilder.cryptoFrame(a, Arrays.copyOfRange(h, a, b)));
        assertEquals(CLIENT_HELLO, inspect(new QuicInitialBuilder(QuicInitialBuilder.V1, DCID).initial(frames)));
        assertEquals("inner.example", out.sni());
    }

    @Test
    void readsOverlappingRetransmissionsOfTheSameBytes() {
        byte[] h = hello("overlap.example", 0);
        QuicInitialBuilder b = new QuicInitialBuilder(QuicInitialBuilder.V1, DCID);
        assertEquals(NEED_MORE, inspect(b.initial(QuicInitialBuilder.cryptoFrame(0, Arrays.copyOf(h, 100)))));
        assertEquals(NEED_MORE, inspect(b.initial(QuicInitialBuilder.cryptoFrame(50, Arrays.copyOfRange(h, 50, 120)))));
        assertEquals(CLIENT_HELLO, inspect(b.initial(QuicInitialBuilder.cryptoFrame(0, h))));
        assertEquals("overlap.example", out.sni());
    }

    @Test
    void acceptsAckPingAndPaddingFramesAroundCrypto() {
        byte[] ack = QuicVectors.hex("02" + "05" + "00" + "01" + "02" + "01" + "00");
        byte[] ackEcn = QuicVectors.hex("03" + "05" + "00" + "00" + "01" + "00" + "00" + "00");
        byte[] frames = ClientHellos.concat(new byte[] {0, 0, 1}, ack, ackEcn,
                QuicInitialBuilder.cryptoFrame(0, hello("ack.example", 0)));
        assertEquals(CLIENT_HELLO, inspect(new QuicInitialBuilder(QuicInitialBuilder.V2, DCID).initial(frames)));
    }

    @Test
    void connectionCloseIsReadAndNothingIsDecided() {
        byte[] frames = QuicVectors.hex("1c" + "0a" + "00" + "03" + "626164");
        QuicInitialBuilder b = new QuicInitialBuilder(QuicInitialBuilder.V1, DCID);
        assertEquals(NEED_MORE, inspect(b.initial(frames)));
    }

    @Test
    void readsEveryInitialCoalescedInOneDatagramAndSkipsTheRest() {
        byte[] h = hello("coalesced.example", 0);
        QuicInitialBuilder b = new QuicInitialBuilder(QuicInitialBuilder.V1, DCID).datagramBytes(0);
        int half = h.length / 2;
        byte[] second = b.initial(QuicInitialBuilder.cryptoFrame(half, Arrays.copyOfRange(h, half, h.length)));
        byte[] first = b.initial(QuicInitialBuilder.cryptoFrame(0, Arrays.copyOf(h, half)));
        byte[] zeroRtt = QuicInitialBuilder.otherLongPacket(QuicInitialBuilder.V1, 1, DCID, 600);
        byte[] datagram = ClientHellos.concat(second, first, zeroRtt, new byte[400]);
        assertTrue(datagram.length >= 1200);
        assertEquals(CLIENT_HELLO, inspect(datagram));
        assertEquals("coalesced.example", out.sni());
    }

    @Test
    void retryChangesTheConnectionIdAndTheHandshakeCarriesOn() {
        byte[] h = hello("retry.example", 2500);
        List<byte[]> before = new QuicInitialBuilder(QuicInitialBuilder.V1, DCID).datagrams(h, 2);
        List<byte[]> after = new QuicInitialBuilder(QuicInitialBuilder.V1, OTHER_DCID)
                .token(QuicVectors.hex("746f6b656e")).packetNumber(2).datagrams(h, 2);
        assertEquals(NEED_MORE, inspect(before.get(0)));
        assertEquals(NEED_MORE, inspect(after.get(0)));
        assertEquals(CLIENT_HELLO, inspect(after.get(1)));
        assertEquals("retry.example", out.sni());
    }

    @Test
    void resultIsFinalForLaterDatagramsAndRefillsTheHello() {
        List<byte[]> ds = new QuicInitialBuilder(QuicInitialBuilder.V1, DCID).datagrams(hello("final.example", 0), 1);
        assertEquals(CLIENT_HELLO, inspect(ds.get(0)));
        out.clear();
        assertEquals(CLIENT_HELLO, inspect(ds.get(0)));
        assertEquals("final.example", out.sni());
        out.clear();
        assertEquals(CLIENT_HELLO, inspect(QuicVectors.hex("4100112233445566778899")));
        assertEquals("final.example", out.sni());
    }

    @Test
    void newConnectionIdAfterAClientHelloIsANewHandshake() {
        byte[] first = new QuicInitialBuilder(QuicInitialBuilder.V1, DCID).datagram(hello("one.example", 0));
        byte[] second = new QuicInitialBuilder(QuicInitialBuilder.V1, OTHER_DCID).datagram(hello("two.example", 0));
        assertEquals(CLIENT_HELLO, inspect(first));
        assertEquals(CLIENT_HELLO, inspect(second));
        assertEquals("two.example", out.sni());
    }

    @Test
    void clientHelloWithoutSniIsReadToo() {
        byte[] d = new QuicInitialBuilder(QuicInitialBuilder.V1, DCID).datagram(ClientHellos.tls13(null, List.of(), 0));
        assertEquals(CLIENT_HELLO, inspect(d));
        assertNull(out.sni());
    }

    @Test
    void resetForgetsTheFlowAndKeepsTheBuffer() {
        byte[] d = new QuicInitialBuilder(QuicInitialBuilder.V1, DCID).datagram(hello("a.example", 0));
        assertEquals(CLIENT_HELLO, inspect(d));
        byte[] buffer = state.crypto.data();
        state.reset();
        assertEquals(NOT_QUIC, inspect(QuicVectors.hex("4100112233445566778899")));
        byte[] d2 = new QuicInitialBuilder(QuicInitialBuilder.V2, DCID).datagram(hello("b.example", 0));
        assertEquals(CLIENT_HELLO, inspect(d2));
        assertEquals("b.example", out.sni());
        assertTrue(buffer == state.crypto.data(), "buffer reused");
    }

    @Test
    void packetNumbersAreDecodedAgainstTheLargestSeen() {
        byte[] h = hello("pn.example", 2500);
        List<byte[]> ds = new QuicInitialBuilder(QuicInitialBuilder.V1, DCID).packetNumberLength(1)
                .packetNumber(300).datagrams(h, 3);
        // The first packet of a flow is decoded near 0: 300 on one byte reads as 44 and fails.
        assertEquals(UNREADABLE, inspect(ds.get(0)));
        QuicFlowState s = new QuicFlowState();
        s.largestPacketNumber = 299;
        List<byte[]> again = new QuicInitialBuilder(QuicInitialBuilder.V1, DCID).packetNumberLength(1)
                .packetNumber(300).datagrams(h, 3);
        ByteBuffer buf = ByteBuffer.allocateDirect(1200);
        int result = 0;
        for (byte[] d : again) {
            buf.clear();
            buf.put(d);
            result = inspector.inspect(s, buf, 0, d.length, out);
        }
        assertEquals(CLIENT_HELLO, result);
        assertEquals(302, s.largestPacketNumber);
    }

    @Test
    void neverChangesTheCallersBuffer() {
        byte[] d = new QuicInitialBuilder(QuicInitialBuilder.V1, DCID).datagram(hello("ro.example", 0));
        ByteBuffer buf = ByteBuffer.allocateDirect(d.length);
        buf.put(d);
        assertEquals(CLIENT_HELLO, inspector.inspect(state, buf, 0, d.length, out));
        byte[] after = new byte[d.length];
        buf.get(0, after);
        assertTrue(Arrays.equals(d, after));
    }

    @Test
    void manyFlowsThroughOneInspector() {
        List<QuicFlowState> flows = new ArrayList<>();
        List<List<byte[]>> datagrams = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            flows.add(new QuicFlowState());
            byte[] dcid = QuicVectors.hex("0102030405060" + i);
            datagrams.add(new QuicInitialBuilder(i % 2 == 0 ? QuicInitialBuilder.V1 : QuicInitialBuilder.V2, dcid)
                    .datagrams(hello("flow" + i + ".example", 1500), 2));
        }
        ByteBuffer buf = ByteBuffer.allocateDirect(1200);
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 5; i++) {
                buf.clear();
                buf.put(datagrams.get(i).get(round));
                int r = inspector.inspect(flows.get(i), buf, 0, 1200, out);
                assertEquals(round == 0 ? NEED_MORE : CLIENT_HELLO, r);
                if (round == 1) {
                    assertEquals("flow" + i + ".example", out.sni());
                }
            }
        }
    }

    /** The ClientHello of a captured TLS fixture of inspect.tls, its 5-byte record header removed. */
    private static byte[] capturedHello(String fixture) throws java.io.IOException {
        try (java.io.InputStream in = QuicInspectorTest.class.getResourceAsStream("/tls/" + fixture)) {
            StringBuilder hex = new StringBuilder();
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).split("\n")) {
                if (!line.startsWith("#")) {
                    hex.append(line);
                }
            }
            byte[] record = QuicVectors.hex(hex.toString());
            return Arrays.copyOfRange(record, 5, record.length);
        }
    }

    @Test
    void readsCapturedCurlClientHelloSplitAcrossTwoInitials() throws Exception {
        List<byte[]> ds = new QuicInitialBuilder(QuicInitialBuilder.V1, DCID)
                .datagrams(capturedHello("curl-sni.hex"), 2);
        assertEquals(NEED_MORE, inspect(ds.get(1)));
        assertEquals(CLIENT_HELLO, inspect(ds.get(0)));
        assertEquals("www.example.com", out.sni());
    }

    @Test
    void readsCapturedClientHelloWithEch() throws Exception {
        List<byte[]> ds = new QuicInitialBuilder(QuicInitialBuilder.V2, DCID)
                .datagrams(capturedHello("openssl-sni-ech.hex"), 1);
        assertEquals(CLIENT_HELLO, inspect(ds.get(0)));
        assertTrue(out.ech());
    }

}
