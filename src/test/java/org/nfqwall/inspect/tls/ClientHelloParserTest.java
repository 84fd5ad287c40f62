package org.nfqwall.inspect.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nfqwall.inspect.tls.ClientHelloParser.MALFORMED;
import static org.nfqwall.inspect.tls.ClientHelloParser.OK;
import static org.nfqwall.inspect.tls.TestHellos.alpn;
import static org.nfqwall.inspect.tls.TestHellos.bytes;
import static org.nfqwall.inspect.tls.TestHellos.ext;
import static org.nfqwall.inspect.tls.TestHellos.hello;
import static org.nfqwall.inspect.tls.TestHellos.sni;
import static org.nfqwall.inspect.tls.TestHellos.supportedVersions;
import static org.nfqwall.inspect.tls.TestHellos.withU16Length;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClientHelloParserTest {
    private final ClientHelloInfo info = new ClientHelloInfo();

    private int parse(byte[] msg) {
        return ClientHelloParser.parse(msg, 0, msg.length, info);
    }

    private void parsesFixture(String name) {
        assertEquals(OK, parse(TlsFixtures.message(name)), () -> name + ": " + info.problem());
        assertNull(info.problem());
    }

    private List<String> alpnIds() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < info.alpnCount(); i++) {
            ids.add(info.alpn(i));
        }
        return ids;
    }

    @Test
    void readsServerNameAndAlpnFromCurl() {
        parsesFixture("curl-sni.hex");
        assertTrue(info.sniPresent());
        assertEquals("www.example.com", info.sni());
        assertEquals(List.of("h2", "http/1.1"), alpnIds());
        assertEquals(0x0303, info.legacyVersion());
        assertTrue(info.offersTls13());
        assertFalse(info.ech());
    }

    @Test
    void readsServerNameFromOpenssl() {
        parsesFixture("openssl-sni.hex");
        assertEquals("www.example.org", info.sni());
        assertEquals(0, info.alpnCount());
        assertTrue(info.offersTls13());
    }

    @Test
    void reportsNoServerNameForOpensslNoservername() {
        parsesFixture("openssl-noservername.hex");
        assertFalse(info.sniPresent());
        assertNull(info.sni());
        assertTrue(info.offersTls13());
    }

    @Test
    void readsAlpnFromOpenssl() {
        parsesFixture("openssl-alpn.hex");
        assertEquals("api.example.net", info.sni());
        assertEquals(List.of("h2", "http/1.1"), alpnIds());
    }

    @Test
    void readsLargeHelloWithFiveAlpnIds() {
        parsesFixture("openssl-large.hex");
        assertEquals("big.example.com", info.sni());
        assertEquals(List.of("h2", "http/1.1", "spdy/3.1", "h2c", "acme-tls/1"), alpnIds());
        assertEquals(5, info.alpnOffered());
    }

    @Test
    void readsPythonHellos() {
        parsesFixture("python-sni.hex");
        assertEquals("www.python.example", info.sni());
        assertEquals(0, info.alpnCount());
        assertTrue(info.offersTls13());
        parsesFixture("python-alpn.hex");
        assertEquals("h.example", info.sni());
        assertEquals(List.of("h2", "http/1.1"), alpnIds());
    }

    @Test
    void reportsEncryptedClientHello() {
        parsesFixture("openssl-sni-ech.hex");
        assertTrue(info.ech());
        assertEquals("www.example.org", info.sni());
    }

    @Test
    void acceptsInnerEncryptedClientHelloMarker() {
        assertEquals(OK, parse(hello(sni("a.example"), ext(0xfe0d, bytes(1)))));
        assertTrue(info.ech());
    }

    @Test
    void refusesEncryptedClientHelloWithBadFraming() {
        assertEquals(MALFORMED, parse(hello(ext(0xfe0d, bytes()))));
        assertEquals(MALFORMED, parse(hello(ext(0xfe0d, bytes(1, 0)))));
        assertEquals(MALFORMED, parse(hello(ext(0xfe0d, bytes(2)))));
        // outer: suite, config id, enc of 1 byte, payload of 2 bytes whose length says 3
        assertEquals(MALFORMED, parse(hello(ext(0xfe0d, bytes(0, 0, 1, 0, 1, 7, 0, 1, 9, 0, 3, 1, 2)))));
        assertEquals(OK, parse(hello(ext(0xfe0d, bytes(0, 0, 1, 0, 1, 7, 0, 1, 9, 0, 2, 1, 2)))));
        assertTrue(info.ech());
    }

    @Test
    void returnsCommonAlpnIdsAsConstants() {
        parsesFixture("curl-sni.hex");
        assertSame("h2", info.alpn(0));
        assertSame("http/1.1", info.alpn(1));
    }

    @Test
    void keepsServerNameRawWithoutChangingCase() {
        assertEquals(OK, parse(hello(sni("WWW.Example.COM."))));
        assertEquals("WWW.Example.COM.", info.sni());
        assertEquals(OK, parse(hello(sni("caf\u00e9.example"))));
        assertEquals("caf\u00e9.example", info.sni());
    }

    @Test
    void acceptsHostNameOf255BytesAndRefuses256() {
        assertEquals(OK, parse(hello(sni("a".repeat(255)))));
        assertEquals(255, info.sni().length());
        assertEquals(MALFORMED, parse(hello(sni("a".repeat(256)))));
        assertEquals("host_name longer than 255 bytes", info.problem());
        assertNull(info.sni());
    }

    @Test
    void refusesEmptyHostName() {
        assertEquals(MALFORMED, parse(hello(sni(""))));
        assertEquals("empty host_name", info.problem());
    }

    @Test
    void refusesTwoHostNames() {
        assertEquals(MALFORMED, parse(hello(sni("a.example", "b.example"))));
        assertEquals("more than one host_name", info.problem());
    }

    @Test
    void skipsOtherNameTypesAndTakesTheHostName() {
        byte[] list = bytes(7, 0, 2, 'x', 'y', 0, 0, 3, 'a', '.', 'b');
        assertEquals(OK, parse(hello(ext(0, withU16Length(list)))));
        assertEquals("a.b", info.sni());
    }

    @Test
    void refusesServerNameListWithBadLengths() {
        byte[] entry = bytes(0, 0, 3, 'a', '.', 'b');
        assertEquals(MALFORMED, parse(hello(ext(0, bytes())))); // no list at all
        assertEquals(MALFORMED, parse(hello(ext(0, bytes(0, 0))))); // empty list
        assertEquals(MALFORMED, parse(hello(ext(0, TlsFixtures.concat(bytes(0, 7), entry))))); // list too long
        assertEquals(MALFORMED, parse(hello(ext(0, TlsFixtures.concat(bytes(0, 5), entry))))); // list too short
        assertEquals(MALFORMED, parse(hello(ext(0, bytes(0, 6, 0, 0, 4, 'a', '.', 'b'))))); // name overruns
        assertEquals(MALFORMED, parse(hello(ext(0, bytes(0, 2, 0, 0))))); // truncated entry
    }

    @Test
    void keepsAtMostEightAlpnIdsAndCountsTheRest() {
        String[] ids = IntStream.range(0, 10).mapToObj(i -> "p" + i).toArray(String[]::new);
        assertEquals(OK, parse(hello(alpn(ids))));
        assertEquals(ClientHelloInfo.MAX_ALPN, info.alpnCount());
        assertEquals(10, info.alpnOffered());
        assertEquals("p7", info.alpn(7));
    }

    @Test
    void refusesAlpnListErrors() {
        assertEquals(MALFORMED, parse(hello(alpn("h2", ""))));
        assertEquals("empty ALPN protocol id", info.problem());
        assertEquals(MALFORMED, parse(hello(ext(16, bytes())))); // no list
        assertEquals(MALFORMED, parse(hello(ext(16, bytes(0, 0))))); // empty list
        assertEquals(MALFORMED, parse(hello(ext(16, bytes(0, 4, 2, 'h', '2'))))); // list longer than extension
        assertEquals(MALFORMED, parse(hello(ext(16, bytes(0, 3, 3, 'h', '2'))))); // id overruns the list
        assertEquals(MALFORMED, parse(hello(ext(16, bytes(0, 3, 2, 'h', '2', 0))))); // byte after the list
    }

    @Test
    void refusesDuplicateExtensions() {
        assertEquals(MALFORMED, parse(hello(sni("a.example"), alpn("h2"), sni("b.example"))));
        assertEquals("duplicate extension", info.problem());
        assertEquals(MALFORMED, parse(hello(ext(0x1234, bytes()), ext(0x1234, bytes()))));
        assertEquals(MALFORMED, parse(hello(ext(0xffff, bytes()), ext(0xffff, bytes(1)))));
        assertEquals(OK, parse(hello(ext(0x1234, bytes()), ext(0x1235, bytes()), ext(0xffff, bytes()))));
    }

    @Test
    void forgetsExtensionsOfThePreviousHello() {
        assertEquals(OK, parse(hello(sni("a.example"))));
        assertEquals(OK, parse(hello(sni("b.example"))));
        assertEquals("b.example", info.sni());
    }

    @Test
    void refusesPreSharedKeyThatIsNotLast() {
        assertEquals(MALFORMED, parse(hello(ext(41, bytes(0)), sni("a.example"))));
        assertEquals("pre_shared_key is not the last extension", info.problem());
        assertEquals(OK, parse(hello(sni("a.example"), ext(41, bytes(0)))));
    }

    @Test
    void readsSupportedVersions() {
        assertEquals(OK, parse(hello(supportedVersions(0x0303))));
        assertFalse(info.offersTls13());
        assertEquals(OK, parse(hello(supportedVersions(0x7a7a, 0x0304, 0x0303))));
        assertTrue(info.offersTls13());
        assertEquals(MALFORMED, parse(hello(ext(43, bytes(3, 3, 4, 3)))));
        assertEquals(MALFORMED, parse(hello(ext(43, bytes(4, 3, 4)))));
        assertEquals(MALFORMED, parse(hello(ext(43, bytes(0)))));
        assertEquals(MALFORMED, parse(hello(ext(43, bytes()))));
    }

    @Test
    void acceptsHelloWithoutExtensions() {
        assertEquals(OK, parse(TestHellos.helloWithoutExtensions()));
        assertFalse(info.sniPresent());
        assertFalse(info.offersTls13());
        assertEquals(0x0303, info.legacyVersion());
    }

    @Test
    void refusesWrongHandshakeTypeAndLengths() {
        byte[] msg = hello(sni("a.example"));
        byte[] serverHello = msg.clone();
        serverHello[0] = 2;
        assertEquals(MALFORMED, parse(serverHello));
        assertEquals("handshake type is not client_hello", info.problem());
        byte[] longer = Arrays.copyOf(msg, msg.length + 1);
        assertEquals(MALFORMED, parse(longer));
        assertEquals(MALFORMED, ClientHelloParser.parse(msg, 0, msg.length - 1, info));
        byte[] extensionsTooLong = msg.clone();
        int extensionsLength = 4 + 2 + 32 + 1 + 2 + 2 + 1 + 1; // after header, version, random, ids, suites, methods
        extensionsTooLong[extensionsLength + 1]++;
        assertEquals(MALFORMED, parse(extensionsTooLong));
    }

    @Test
    void refusesBadFixedFields() {
        byte[] msg = hello(sni("a.example"));
        byte[] version = msg.clone();
        version[4] = 4;
        assertEquals(MALFORMED, parse(version));
        byte[] sessionId = TestHellos.message(TlsFixtures.concat(bytes(3, 3), new byte[32], bytes(33), new byte[33],
                bytes(0, 2, 0x13, 1, 1, 0)));
        assertEquals(MALFORMED, parse(sessionId));
        assertEquals("legacy_session_id longer than 32 bytes", info.problem());
        byte[] oddSuites = TestHellos.message(TlsFixtures.concat(bytes(3, 3), new byte[32], bytes(0, 0, 3, 0x13, 1, 0, 1, 0)));
        assertEquals(MALFORMED, parse(oddSuites));
        byte[] noSuites = TestHellos.message(TlsFixtures.concat(bytes(3, 3), new byte[32], bytes(0, 0, 0, 1, 0)));
        assertEquals(MALFORMED, parse(noSuites));
        byte[] noCompression = TestHellos.message(TlsFixtures.concat(bytes(3, 3), new byte[32], bytes(0, 0, 2, 0x13, 1, 0)));
        assertEquals(MALFORMED, parse(noCompression));
    }

    @Test
    void refusesRangesOutsideTheBufferWithoutThrowing() {
        byte[] msg = hello(sni("a.example"));
        assertEquals(MALFORMED, ClientHelloParser.parse(msg, -1, 4, info));
        assertEquals(MALFORMED, ClientHelloParser.parse(msg, 0, msg.length + 1, info));
        assertEquals(MALFORMED, ClientHelloParser.parse(msg, msg.length, -1, info));
        assertEquals(MALFORMED, ClientHelloParser.parse(null, 0, 0, info));
    }

    @Test
    void parsesAtAnOffsetInsideALargerBuffer() {
        byte[] msg = TlsFixtures.message("openssl-alpn.hex");
        byte[] padded = TlsFixtures.concat(bytes(9, 9, 9), msg, bytes(9));
        assertEquals(OK, ClientHelloParser.parse(padded, 3, msg.length, info));
        assertEquals("api.example.net", info.sni());
    }

    static Stream<Arguments> everyPrefixOfEveryFixture() {
        return Arrays.stream(TlsFixtures.ALL).flatMap(name -> {
            int length = TlsFixtures.message(name).length;
            return IntStream.range(0, length).mapToObj(n -> Arguments.of(name, n));
        });
    }

    @ParameterizedTest(name = "{0} cut to {1} bytes")
    @MethodSource("everyPrefixOfEveryFixture")
    void refusesEveryTruncatedHelloWithoutThrowing(String name, int length) {
        byte[] msg = TlsFixtures.message(name);
        assertEquals(MALFORMED, ClientHelloParser.parse(msg, 0, length, info));
        // The same prefix with its handshake length fixed to match: the inner lengths now overrun.
        byte[] cut = Arrays.copyOf(msg, length);
        if (length >= 4) {
            int body = length - 4;
            cut[1] = (byte) (body >>> 16);
            cut[2] = (byte) (body >>> 8);
            cut[3] = (byte) body;
            int result = parse(cut);
            assertTrue(result == MALFORMED || result == OK);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtureNames")
    void survivesEveryCorruptedByte(String name) {
        byte[] msg = TlsFixtures.message(name);
        for (int i = 0; i < msg.length; i++) {
            for (int value : new int[] {0x00, 0xff, msg[i] ^ 0x01, msg[i] ^ 0x80}) {
                byte[] bad = msg.clone();
                bad[i] = (byte) value;
                int result = parse(bad);
                assertTrue(result == OK || result == MALFORMED);
                if (result == MALFORMED) {
                    assertTrue(info.problem() != null && !info.sniPresent() && info.alpnCount() == 0);
                }
            }
        }
        assertArrayEquals(TlsFixtures.message(name), msg);
    }

    static Stream<String> fixtureNames() {
        return Arrays.stream(TlsFixtures.ALL);
    }
}
