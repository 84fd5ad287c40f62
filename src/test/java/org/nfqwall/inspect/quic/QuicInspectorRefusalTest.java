package org.nfqwall.inspect.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nfqwall.inspect.quic.QuicInspector.CLIENT_HELLO;
import static org.nfqwall.inspect.quic.QuicInspector.MALFORMED;
import static org.nfqwall.inspect.quic.QuicInspector.NEED_MORE;
import static org.nfqwall.inspect.quic.QuicInspector.NOT_QUIC;
import static org.nfqwall.inspect.quic.QuicInspector.TOO_LARGE;
import static org.nfqwall.inspect.quic.QuicInspector.UNREADABLE;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the inspector refuses, and how: not QUIC, unreadable, malformed, too large. */
class QuicInspectorRefusalTest extends QuicFixture {
    @Test
    void cryptoBytesThatChangeOnRetransmissionAreMalformed() {
        byte[] h = hello("first.example", 0);
        byte[] changed = h.clone();
        changed[60] ^= 1;
        QuicInitialBuilder b = new QuicInitialBuilder(QuicInitialBuilder.V1, DCID);
        assertEquals(NEED_MORE, inspect(b.initial(QuicInitialBuilder.cryptoFrame(0, Arrays.copyOf(h, 100)))));
        assertEquals(MALFORMED, inspect(b.initial(QuicInitialBuilder.cryptoFrame(0, changed))));
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
        byte[] forged = new QuicInitialBuilder(QuicInitialBuilder.V1, DCID).datagram(hello("forged.example", 0));
        forged[forged.length - 20] ^= 1;
        List<byte[]> real = new QuicInitialBuilder(QuicInitialBuilder.V1, OTHER_DCID)
                .datagrams(hello("real.example", 2500), 2);
        assertEquals(NEED_MORE, inspect(real.get(0)));
        assertEquals(UNREADABLE, inspect(forged));
        assertEquals(CLIENT_HELLO, inspect(real.get(1)));
        assertEquals("real.example", out.sni());
    }

    @Test
    void initialInADatagramShorterThan1200BytesIsUnreadable() {
        byte[] d = new QuicInitialBuilder(QuicInitialBuilder.V1, DCID).datagramBytes(1199)
                .datagram(hello("short.example", 0));
        assertEquals(1199, d.length);
        assertEquals(UNREADABLE, inspect(d));
        byte[] ok = new QuicInitialBuilder(QuicInitialBuilder.V1, DCID).datagram(hello("short.example", 0));
        assertEquals(CLIENT_HELLO, inspect(ok));
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
}
