package org.nfqwall.inspect.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nfqwall.inspect.tls.TestHellos.bytes;
import static org.nfqwall.inspect.tls.TestHellos.hello;
import static org.nfqwall.inspect.tls.TestHellos.sni;
import static org.nfqwall.inspect.tls.TlsFixtures.concat;
import static org.nfqwall.inspect.tls.TlsFixtures.record;
import static org.nfqwall.inspect.tls.TlsFixtures.reframe;
import static org.nfqwall.inspect.tls.TlsInspector.CLIENT_HELLO;
import static org.nfqwall.inspect.tls.TlsInspector.MALFORMED;
import static org.nfqwall.inspect.tls.TlsInspector.NEED_MORE;
import static org.nfqwall.inspect.tls.TlsInspector.NOT_TLS;
import static org.nfqwall.inspect.tls.TlsInspector.TOO_LARGE;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TlsInspectorTest {
    private static final byte[] LARGE = TlsFixtures.wire("openssl-large.hex");
    private static final byte[] CCS = bytes(20, 3, 3, 0, 1, 1);

    private final TlsInspector inspector = new TlsInspector(TlsInspector.DEFAULT_MAX_CLIENT_HELLO_BYTES);
    private final TlsStreamState state = new TlsStreamState();
    private final ClientHelloInfo info = new ClientHelloInfo();

    TlsInspectorTest() {
        state.reset();
    }

    private int inspect(byte[] bytes) {
        return inspector.inspect(state, bytes, 0, bytes.length, info);
    }

    /**
     * Feeds {@code wire} as the engine does: cut at the given offsets, each call handed all bytes
     * received so far (nothing is consumed before the hello). Asserts NEED_MORE with nothing
     * consumed before the last piece; returns the last result.
     */
    private int feed(byte[] wire, int... cuts) {
        state.reset();
        int[] ends = IntStream.concat(IntStream.of(cuts), IntStream.of(wire.length)).toArray();
        for (int i = 0; i < ends.length - 1; i++) {
            int result = inspector.inspect(state, wire, 0, ends[i], info);
            if (result != NEED_MORE || inspector.consumed() != 0) {
                throw new AssertionError("after " + ends[i] + " of " + wire.length + " bytes: result " + result
                        + ", consumed " + inspector.consumed() + ", " + info.problem());
            }
        }
        return inspector.inspect(state, wire, 0, wire.length, info);
    }

    @Test
    void readsEachFixtureInOneSegment() {
        for (String name : TlsFixtures.ALL) {
            byte[] wire = TlsFixtures.wire(name);
            state.reset();
            assertEquals(CLIENT_HELLO, inspect(wire), name);
            assertEquals(wire.length, inspector.consumed(), name);
            assertEquals(name.contains("noservername"), !info.sniPresent(), name);
        }
        assertTrue(info.ech()); // the last one
        assertEquals("www.example.org", info.sni());
    }

    @Test
    void readsLargeHelloAtEverySplitPointInTwoPieces() {
        for (int cut = 1; cut < LARGE.length; cut++) {
            assertEquals(CLIENT_HELLO, feed(LARGE, cut), "cut at " + cut);
            assertEquals(LARGE.length, inspector.consumed());
            assertEquals("big.example.com", info.sni());
        }
    }

    @Test
    void readsLargeHelloAtEverySplitPointInThreePieces() {
        for (int a = 1; a < LARGE.length - 1; a++) {
            for (int b = a + 1; b < LARGE.length; b++) {
                if (feed(LARGE, a, b) != CLIENT_HELLO || inspector.consumed() != LARGE.length
                        || !"big.example.com".equals(info.sni()) || info.alpnCount() != 5) {
                    throw new AssertionError("cut at " + a + " and " + b + ": " + info);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} records")
    @ValueSource(ints = {2, 5})
    void joinsHelloReframedIntoSeveralRecords(int records) {
        byte[] wire = reframe(TlsFixtures.message("openssl-alpn.hex"), records);
        assertEquals(CLIENT_HELLO, feed(wire));
        assertEquals(wire.length, inspector.consumed());
        assertEquals("api.example.net", info.sni());
        assertEquals("http/1.1", info.alpn(1));
        for (int cut = 1; cut < wire.length; cut++) {
            assertEquals(CLIENT_HELLO, feed(wire, cut), "cut at " + cut);
            assertEquals("api.example.net", info.sni());
        }
    }

    @Test
    void joinsLargeHelloReframedIntoFiveRecords() {
        byte[] wire = reframe(TlsFixtures.message("openssl-large.hex"), 5);
        assertEquals(CLIENT_HELLO, feed(wire, 700, 1400));
        assertEquals(wire.length, inspector.consumed());
        assertEquals("big.example.com", info.sni());
    }

    @Test
    void joinsHelloSentOneByteARecordAndOneByteASegment() {
        byte[] message = TlsFixtures.message("curl-sni.hex");
        byte[] wire = reframe(message, message.length); // the handshake header spans four records
        int[] cuts = IntStream.range(1, wire.length).toArray();
        assertEquals(CLIENT_HELLO, feed(wire, cuts));
        assertEquals(wire.length, inspector.consumed());
        assertEquals("www.example.com", info.sni());
    }

    @Test
    void resumesWalkingAfterTheLastCompleteRecord() {
        byte[] wire = reframe(TlsFixtures.message("openssl-alpn.hex"), 5);
        int firstTwo = 2 * (5 + (wire.length - 25) / 5 + 1);
        assertEquals(NEED_MORE, inspector.inspect(state, wire, 0, firstTwo + 3, info));
        assertEquals(firstTwo, state.scanned());
        assertEquals(NEED_MORE, inspector.inspect(state, wire, 0, firstTwo + 9, info));
        assertEquals(firstTwo, state.scanned());
    }

    @Test
    void consumesOnlyTheRecordsOfTheHello() {
        byte[] wire = TlsFixtures.wire("python-alpn.hex");
        byte[] early = record(23, new byte[40]);
        byte[] stream = concat(wire, CCS, early);
        assertEquals(CLIENT_HELLO, inspect(stream));
        assertEquals(wire.length, inspector.consumed());
        assertTrue(state.helloRead());
    }

    @Test
    void consumesEverythingAfterTheHello() {
        byte[] wire = TlsFixtures.wire("python-alpn.hex");
        assertEquals(CLIENT_HELLO, inspect(wire));
        byte[] later = record(23, new byte[100]);
        assertEquals(NEED_MORE, inspect(later));
        assertEquals(later.length, inspector.consumed());
    }

    @Test
    void readsTheNextFlowAfterReset() {
        assertEquals(CLIENT_HELLO, inspect(TlsFixtures.wire("curl-sni.hex")));
        state.reset();
        assertEquals(CLIENT_HELLO, inspect(TlsFixtures.wire("openssl-sni.hex")));
        assertEquals("www.example.org", info.sni());
    }

    @Test
    void walksAgainWhenHandedFewerBytesThanBefore() {
        byte[] wire = reframe(TlsFixtures.message("openssl-sni.hex"), 3);
        assertEquals(NEED_MORE, inspector.inspect(state, wire, 0, wire.length - 1, info));
        assertEquals(NEED_MORE, inspector.inspect(state, wire, 0, 20, info));
        assertEquals(CLIENT_HELLO, inspect(wire));
    }

    @Test
    void readsAtAnOffsetInsideALargerBuffer() {
        byte[] wire = TlsFixtures.wire("openssl-sni.hex");
        byte[] buffer = concat(bytes(1, 2, 3), wire, bytes(4));
        assertEquals(CLIENT_HELLO, inspector.inspect(state, buffer, 3, wire.length, info));
        assertEquals(wire.length, inspector.consumed());
    }

    @Test
    void readsNoServerName() {
        assertEquals(CLIENT_HELLO, feed(TlsFixtures.wire("openssl-noservername.hex"), 100));
        assertFalse(info.sniPresent());
        assertNull(info.sni());
    }

    @Test
    void readsEncryptedClientHelloInTwoRecords() {
        byte[] wire = reframe(TlsFixtures.message("openssl-sni-ech.hex"), 2);
        assertEquals(CLIENT_HELLO, feed(wire, 300));
        assertTrue(info.ech());
    }

    static Stream<Arguments> notHandshakeRecordStarts() {
        return Stream.of(
                Arguments.of("HTTP request", "GET / HTTP/1.1\r\nHost: a\r\n\r\n"),
                Arguments.of("BitTorrent handshake", "\u0013BitTorrent protocol"),
                Arguments.of("SSH banner", "SSH-2.0-OpenSSH_9.2\r\n"),
                Arguments.of("one letter", "G"),
                Arguments.of("record version 2.x", "\u0016\u0002"),
                Arguments.of("record version 3.5", "\u0016\u0003\u0005"),
                Arguments.of("record length 0", "\u0016\u0003\u0001\u0000\u0000"),
                Arguments.of("record length 2^14+1", "\u0016\u0003\u0001\u0040\u0001"),
                Arguments.of("alert record", "\u0015\u0003\u0003\u0000\u0002\u0002\u0028"),
                Arguments.of("application_data record", "\u0017\u0003\u0003\u0000\u0001x"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notHandshakeRecordStarts")
    void refusesBytesThatDoNotStartWithAHandshakeRecord(String what, String start) {
        byte[] bytes = start.getBytes(StandardCharsets.ISO_8859_1);
        assertFalse(TlsInspector.mayBeTls(bytes, 0, bytes.length));
        assertEquals(NOT_TLS, inspect(bytes));
        assertEquals(0, inspector.consumed());
        assertEquals(NOT_TLS, inspect(TlsFixtures.wire("curl-sni.hex")), "final for the flow");
    }

    @Test
    void refusesSslVersion2Hello() {
        byte[] v2 = bytes(0x80, 0x2e, 0x01, 0x00, 0x02, 0x00, 0x15, 0x00, 0x00, 0x00, 0x10);
        assertEquals(NOT_TLS, inspect(v2));
    }

    @Test
    void refusesRecordsOfOtherTypesBeforeTheHelloEnds() {
        byte[] message = TlsFixtures.message("openssl-sni.hex");
        byte[] first = record(22, Arrays.copyOf(message, 100));
        byte[] rest = record(22, Arrays.copyOfRange(message, 100, message.length));
        for (byte[] intruder : new byte[][] {CCS, bytes(21, 3, 3, 0, 2, 1, 0), record(23, new byte[20]), bytes(24)}) {
            state.reset();
            assertEquals(MALFORMED, inspect(concat(first, intruder, rest)));
            assertEquals(0, inspector.consumed());
        }
    }

    @Test
    void refusesLaterRecordsWithBadVersionOrLength() {
        byte[] message = TlsFixtures.message("openssl-sni.hex");
        byte[] first = record(22, Arrays.copyOf(message, 100));
        byte[] rest = record(22, Arrays.copyOfRange(message, 100, message.length));
        byte[] badVersion = rest.clone();
        badVersion[1] = 2;
        assertEquals(MALFORMED, inspect(concat(first, badVersion)));
        state.reset();
        assertEquals(MALFORMED, inspect(concat(first, bytes(22, 3, 1, 0, 0), rest)));
        state.reset();
        assertEquals(MALFORMED, inspect(concat(first, bytes(22, 3, 1, 0x40, 1))));
    }

    @Test
    void refusesOtherHandshakeMessageFirstFromItsFirstByte() {
        assertEquals(MALFORMED, inspect(bytes(22, 3, 3, 0, 80, 2)));
        assertEquals("first handshake message is not a ClientHello", info.problem());
    }

    @Test
    void refusesHelloThatDoesNotEndWithItsRecord() {
        byte[] message = hello(sni("a.example"));
        byte[] wire = record(22, concat(message, bytes(1, 0, 0, 0)));
        assertEquals(MALFORMED, inspector.inspect(state, wire, 0, 9, info)); // known from the lengths
        assertEquals("ClientHello does not end where a record ends", info.problem());
    }

    @Test
    void refusesHelloTheParserRefuses() {
        byte[] wire = record(22, hello(sni("a.example"), sni("b.example")));
        assertEquals(MALFORMED, inspect(wire));
        assertEquals("duplicate extension", info.problem());
        assertEquals(0, inspector.consumed());
        assertEquals(MALFORMED, inspect(wire), "final for the flow");
    }

    @Test
    void refusesHelloLongerThanTheLimitOnceItsLengthArrives() {
        TlsInspector small = new TlsInspector(1024);
        byte[] wire = reframe(TlsFixtures.message("openssl-large.hex"), 5); // 1462 bytes, records of 293
        assertEquals(NEED_MORE, small.inspect(state, wire, 0, 8, info));
        assertEquals(TOO_LARGE, small.inspect(state, wire, 0, 9, info));
        assertEquals("ClientHello longer than the limit", info.problem());
        assertEquals(0, small.consumed());
    }

    @Test
    void refusesRecordLongerThanTheLimitFromItsHeader() {
        TlsInspector small = new TlsInspector(1024);
        assertEquals(NEED_MORE, small.inspect(state, LARGE, 0, 4, info));
        assertEquals(TOO_LARGE, small.inspect(state, LARGE, 0, 5, info));
    }

    @Test
    void acceptsHelloOfExactlyTheLimit() {
        byte[] wire = TlsFixtures.wire("curl-sni.hex");
        int length = wire.length - 5;
        assertEquals(CLIENT_HELLO, new TlsInspector(length).inspect(state, wire, 0, wire.length, info));
        state.reset();
        assertEquals(TOO_LARGE, new TlsInspector(length - 1).inspect(state, wire, 0, wire.length, info));
    }

    @Test
    void refusesRecordsLongerThanTheLimitBeforeTheHelloLengthArrives() {
        TlsInspector small = new TlsInspector(64);
        byte[] stream = concat(record(22, bytes(1)), record(22, bytes(0)), bytes(22, 3, 1, 0, 100));
        assertEquals(TOO_LARGE, small.inspect(state, stream, 0, stream.length, info));
    }

    @Test
    void refusesLimitsOutsideTheRange() {
        assertThrows(IllegalArgumentException.class, () -> new TlsInspector(TlsInspector.MIN_MAX_CLIENT_HELLO_BYTES - 1));
        assertThrows(IllegalArgumentException.class, () -> new TlsInspector(TlsInspector.MAX_MAX_CLIENT_HELLO_BYTES + 1));
        assertEquals(64, new TlsInspector(64).maxClientHelloBytes());
    }

    @Test
    void mayBeTlsAcceptsHelloStartsAndPrefixes() {
        byte[] wire = TlsFixtures.wire("curl-sni.hex");
        for (int n = 0; n <= wire.length; n++) {
            assertTrue(TlsInspector.mayBeTls(wire, 0, n));
        }
        assertFalse(TlsInspector.mayBeTls(wire, 0, wire.length + 1));
        assertFalse(TlsInspector.mayBeTls(wire, -1, 2));
        assertFalse(TlsInspector.mayBeTls(null, 0, 0));
    }

    static Stream<Arguments> everyPrefixOfEveryFixture() {
        return Arrays.stream(TlsFixtures.ALL).flatMap(name -> {
            int length = TlsFixtures.wire(name).length;
            return IntStream.range(0, length).mapToObj(n -> Arguments.of(name, n));
        });
    }

    @ParameterizedTest(name = "{0} cut to {1} bytes")
    @MethodSource("everyPrefixOfEveryFixture")
    void needsMoreForEveryPrefix(String name, int length) {
        byte[] wire = TlsFixtures.wire(name);
        assertEquals(NEED_MORE, inspector.inspect(state, wire, 0, length, info));
        assertEquals(0, inspector.consumed());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtureNames")
    void survivesEveryCorruptedByteWholeAndSplit(String name) {
        for (byte[] wire : new byte[][] {TlsFixtures.wire(name), reframe(TlsFixtures.message(name), 3)}) {
            for (int i = 0; i < wire.length; i++) {
                for (int value : new int[] {0x00, 0xff, wire[i] ^ 0x01, wire[i] ^ 0x80}) {
                    byte[] bad = wire.clone();
                    bad[i] = (byte) value;
                    state.reset();
                    int whole = inspect(bad);
                    assertTrue(whole >= NEED_MORE && whole <= MALFORMED);
                    state.reset();
                    int split = inspector.inspect(state, bad, 0, i + 1, info);
                    if (i + 1 < bad.length && split == NEED_MORE) {
                        split = inspect(bad);
                    }
                    assertEquals(whole, split, "byte " + i + " = " + value + " whole and split");
                    if (whole == CLIENT_HELLO) {
                        assertTrue(inspector.consumed() > 0 && inspector.consumed() <= bad.length);
                    }
                }
            }
        }
    }

    static Stream<String> fixtureNames() {
        return Arrays.stream(TlsFixtures.ALL);
    }
}
