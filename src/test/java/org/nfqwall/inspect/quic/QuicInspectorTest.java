package org.nfqwall.inspect.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nfqwall.inspect.quic.QuicInspector.CLIENT_HELLO;
import static org.nfqwall.inspect.quic.QuicInspector.MALFORMED;
import static org.nfqwall.inspect.quic.QuicInspector.NEED_MORE;
import static org.nfqwall.inspect.quic.QuicInspector.NOT_QUIC;
import static org.nfqwall.inspect.quic.QuicInspector.TOO_LARGE;
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
import org.nfqwall.inspect.tls.ClientHelloInfo;

class QuicInspectorTest {
    private static final byte[] DCID = QuicVectors.hex("0011223344556677");
    private static final byte[] OTHER_DCID = QuicVectors.hex("a1a2a3a4a5a6a7a8a9aa");

    private final QuicInspector inspector = new QuicInspector(QuicInspector.DEFAULT_MAX_CLIENT_HELLO_BYTES);
    private final QuicFlowState state = new QuicFlowState();
    private final ClientHelloInfo out = new ClientHelloInfo();

    private int inspect(byte[] datagram) {
        ByteBuffer buf = ByteBuffer.allocateDirect(datagram.length + 7);
        buf.position(7);
        buf.put(datagram);
        return inspector.inspect(state, buf, 7, datagram.length, out);
    }

    private static byte[] hello(String sni, int minLength) {
        return ClientHellos.tls13(sni, List.of("h3"), minLength);
    }

    private static int versionNumber(int v) {
        return v == 1 ? QuicInitialBuilder.V1 : QuicInitialBuilder.V2;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void readsClientHelloInOneInitial(int version) {
        byte[] d = new QuicInitialBuilder(versionNumber(version), DCID).datagrams(hello("www.example.org", 0), 1).get(0);
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
    void cryptoBytesThatChangeOnRetransmissionAreMalformed() {
        byte[] h = hello("first.example", 0);
        byte[] changed = h.clone();
        changed[60] ^= 1;
        QuicInitialBuilder b = new QuicInitialBuilder(QuicInitialBuilder.V1, DCID);
        assertEquals(NEED_MORE, inspect(b.initial(QuicInitialBuilder.cryptoFrame(0, Arrays.copyOf(h, 100)))));
        assertEquals(MALFORMED, inspect(b.initial(QuicInitialBuilder.cryptoFrame(0, changed))));
    }

    @Test
    void acceptsAckPingAndPaddingFramesAroundCrypto() {
        byte[] ack = QuicVectors.hex("02" + "05" + "00" + "01" + "02" + "01" + "00");
        byte[] ackEcn = QuicVectors.hex("03" + "05" + "00" + "00" + "01" + "00" + "00" + "00");
        byte[] frames = ClientHellos.concat(new byte[] {0, 0, 1}, ack, ackEcn,
                QuicInitialBuilder.cryptoFrame(0, hello("ack.example", 0)));
        assertEquals(CLIENT_HELLO, inspect(new QuicInitialBuilder(QuicInitialBuilder.V2, DCID).initial(frames)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"08", "1d00000000", "1e", "0f00", "4006"})
    void framesNotAllowedInInitialsAreMalformed(String frameHex) {
        byte[] frames = ClientHellos.concat(QuicVectors.hex(frameHex),
                QuicInitialBuilder.cryptoFrame(0, hello("x.example", 0)));
        assertEquals(MALFORMED, inspect(new QuicInitialBuilder(QuicInitialBuilder.V1, DCID).initial(frames)));
    }

    @Test
    void cryptoFrameRunningPastThePayloadIsMalformed() {
        byte[] frames = QuicVectors.hex("06" + "00" + "7fff" + "0102030405");
        assertEquals(MALFORMED, inspect(new QuicInitialBuilder(QuicInitialBuilder.V1, DCID).initial(frames)));
    }

    @Test
    void connectionCloseIsReadAndNothingIsDecided() {
        byte[] frames = QuicVectors.hex("1c" + "0a" + "00" + "03" + "626164");
        QuicInitialBuilder b = new QuicInitialBuilder(QuicInitialBuilder.V1, DCID);
        assertEquals(NEED_MORE, inspect(b.initial(frames)));
    }

    @Test
    void firstHandshakeMessageThatIsNotClientHelloIsMalformed() {
        byte[] serverHello = QuicVectors.hex("020000040303abcd");
        byte[] frames = QuicInitialBuilder.cryptoFrame(0, serverHello);
        assertEquals(MALFORMED, inspect(new QuicInitialBuilder(QuicInitialBuilder.V1, DCID).initial(frames)));
    }

    @Test
    void clientHelloLargerThanTheLimitIsTooLarge() {
        QuicInspector small = new QuicInspector(1024);
        byte[] h = hello("big.example", 3000);
        List<byte[]> ds = new QuicInitialBuilder(QuicInitialBuilder.V1, DCID).datagrams(h, 3);
        ByteBuffer buf = ByteBuffer.allocateDirect(1200);
        buf.put(ds.get(0));
        assertEquals(TOO_LARGE, small.inspect(state, buf, 0, 1200, out));
    }

    @Test
    void cryptoDataBeyondTheLimitIsTooLargeEvenBeforeTheStart() {
        QuicInspector small = new QuicInspector(1024);
        byte[] frames = QuicInitialBuilder.cryptoFrame(1000, new byte[100]);
        byte[] d = new QuicInitialBuilder(QuicInitialBuilder.V1, DCID).initial(frames);
        ByteBuffer buf = ByteBuffer.allocateDirect(d.length);
        buf.put(d);
        assertEquals(TOO_LARGE, small.inspect(state, buf, 0, d.length, out));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void corruptedTagIsUnreadableAndLeavesTheFlowOpen(int version) {
        List<byte[]> ds = new QuicInitialBuilder(versionNumber(version), DCID).datagrams(hello("tag.example", 0), 1);
        byte[] bad = ds.get(0).clone();
        bad[bad.length - 1] ^= 0x40;
        assertEquals(UNREADABLE, inspect(bad));
        assertEquals(CLIENT_HELLO, inspect(ds.get(0)));
        assertEquals("tag.example", out.sni());
    }

    @Test
    void forgedInitialUnderAnotherConnectionIdDoesNotDisturbTheFlow() {
        byte[] forged = new QuicInitialBuilder(QuicInitialBuilder.V1, DCID).datagrams(hello("forged.example", 0), 1).get(0);
        forged[forged.length - 20] ^= 1;
        List<byte[]> real = new QuicInitialBuilder(QuicInitialBuilder.V1, OTHER_DCID).datagrams(hello("real.example", 2500), 2);
        assertEquals(NEED_MORE, inspect(real.get(0)));
        assertEquals(UNREADABLE, inspect(forged));
        assertEquals(CLIENT_HELLO, inspect(real.get(1)));
        assertEquals("real.example", out.sni());
    }

    @Test
    void initialInADatagramShorterThan1200BytesIsUnreadable() {
        byte[] d = new QuicInitialBuilder(QuicInitialBuilder.V1, DCID).datagramBytes(1199)
                .datagrams(hello("short.example", 0), 1).get(0);
        assertEquals(1199, d.length);
        assertEquals(UNREADABLE, inspect(d));
        byte[] ok = new QuicInitialBuilder(QuicInitialBuilder.V1, DCID).datagrams(hello("short.example", 0), 1).get(0);
        assertEquals(CLIENT_HELLO, inspect(ok));
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
    void coalescedPacketWithAnotherConnectionIdIsIgnored() {
        byte[] h = hello("cid.example", 0);
        int half = h.length / 2;
        byte[] first = new QuicInitialBuilder(QuicInitialBuilder.V1, DCID).datagramBytes(0)
                .initial(QuicInitialBuilder.cryptoFrame(0, Arrays.copyOf(h, half)));
        byte[] other = new QuicInitialBuilder(QuicInitialBuilder.V1, OTHER_DCID).datagramBytes(0)
                .initial(QuicInitialBuilder.cryptoFrame(half, Arrays.copyOfRange(h, half, h.length)));
        assertEquals(NEED_MORE, inspect(ClientHellos.concat(first, other, new byte[1200])));
    }

    @Test
    void zeroRttOnlyDatagramNeedsMoreAndHandshakeOnlyIsUnreadable() {
        assertEquals(NEED_MORE, inspect(QuicInitialBuilder.otherLongPacket(QuicInitialBuilder.V1, 1, DCID, 1100)));
        assertEquals(UNREADABLE, inspect(QuicInitialBuilder.otherLongPacket(QuicInitialBuilder.V1, 2, DCID, 1100)));
        assertEquals(UNREADABLE, inspect(QuicInitialBuilder.otherLongPacket(QuicInitialBuilder.V2, 3, DCID, 1100)));
    }

    @Test
    void version2TypeBitsAreNotVersion1TypeBits() {
        // In version 2, type 0 is Retry and type 1 is Initial: a v1-typed Initial in a v2 packet is no Initial.
        assertEquals(UNREADABLE, inspect(QuicInitialBuilder.otherLongPacket(QuicInitialBuilder.V2, 0, DCID, 1100)));
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
        byte[] first = new QuicInitialBuilder(QuicInitialBuilder.V1, DCID).datagrams(hello("one.example", 0), 1).get(0);
        byte[] second = new QuicInitialBuilder(QuicInitialBuilder.V1, OTHER_DCID).datagrams(hello("two.example", 0), 1).get(0);
        assertEquals(CLIENT_HELLO, inspect(first));
        assertEquals(CLIENT_HELLO, inspect(second));
        assertEquals("two.example", out.sni());
    }

    @Test
    void clientHelloWithoutSniIsReadToo() {
        byte[] d = new QuicInitialBuilder(QuicInitialBuilder.V1, DCID).datagrams(ClientHellos.tls13(null, List.of(), 0), 1).get(0);
        assertEquals(CLIENT_HELLO, inspect(d));
        assertNull(out.sni());
    }

    @Test
    void resetForgetsTheFlowAndKeepsTheBuffer() {
        byte[] d = new QuicInitialBuilder(QuicInitialBuilder.V1, DCID).datagrams(hello("a.example", 0), 1).get(0);
        assertEquals(CLIENT_HELLO, inspect(d));
        byte[] buffer = state.crypto.data();
        state.reset();
        assertEquals(NOT_QUIC, inspect(QuicVectors.hex("4100112233445566778899")));
        byte[] d2 = new QuicInitialBuilder(QuicInitialBuilder.V2, DCID).datagrams(hello("b.example", 0), 1).get(0);
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

    @ParameterizedTest
    @ValueSource(strings = {
        "", "00", "40", "4100112233", "8000000001", "c0000000", // short header, fixed bit clear, too short
        "470011223344556677889900aabbccddeeff",                // short header
        "80000000010800112233445566770000",                    // long header, fixed bit clear
    })
    void notQuicOnAFlowNeverSeen(String hex) {
        assertEquals(NOT_QUIC, inspect(QuicVectors.hex(hex)));
    }

    @Test
    void shortHeaderOnASeenFlowWithoutHelloIsUnreadable() {
        assertEquals(UNREADABLE, inspect(QuicVectors.hex("c0ff00001d08001122334455667700")));
        assertEquals(UNREADABLE, inspect(QuicVectors.hex("4100112233445566778899")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"00000000", "ff00001d", "00000002", "1a2a3a4a", "709a50c4"})
    void otherVersionsAreUnreadable(String versionHex) {
        assertEquals(UNREADABLE, inspect(QuicVectors.hex("c0" + versionHex + "0800112233445566770000")));
    }

    @Test
    void mayBeQuicLooksAtTheLongHeaderInvariants() {
        assertTrue(mayBe("c000000001080011223344556677000000"));
        assertTrue(mayBe("d36b3343cf0800112233445566770000"));
        assertTrue(mayBe("c0ff00001d0000"));
        assertFalse(mayBe("c0000000000000"), "version negotiation");
        assertFalse(mayBe("8000000001000000"), "fixed bit clear");
        assertFalse(mayBe("4000000001000000"), "short header");
        assertFalse(mayBe("c00000000108001122"), "connection id past the end");
        assertFalse(mayBe("c0000000"), "too short");
        ByteBuffer buf = ByteBuffer.allocateDirect(8);
        assertFalse(QuicInspector.mayBeQuic(buf, 4, 8));
        assertFalse(QuicInspector.mayBeQuic(buf, -1, 8));
        assertFalse(QuicInspector.mayBeQuic(null, 0, 8));
    }

    private static boolean mayBe(String hex) {
        byte[] b = QuicVectors.hex(hex);
        ByteBuffer buf = ByteBuffer.allocateDirect(b.length + 3);
        buf.position(3);
        buf.put(b);
        return QuicInspector.mayBeQuic(buf, 3, b.length);
    }

    @Test
    void neverChangesTheCallersBuffer() {
        byte[] d = new QuicInitialBuilder(QuicInitialBuilder.V1, DCID).datagrams(hello("ro.example", 0), 1).get(0);
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
}
