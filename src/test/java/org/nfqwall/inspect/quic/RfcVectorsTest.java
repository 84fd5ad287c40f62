package org.nfqwall.inspect.quic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nfqwall.inspect.tls.ClientHelloInfo;

/**
 * The sample packet protection of RFC 9001 Appendix A (version 1) and RFC 9369 Appendix A
 * (version 2), from the hex fixtures in src/test/resources/quic/.
 */
class RfcVectorsTest {
    private static final Map<String, byte[]> V1 = QuicVectors.load(QuicVectors.RFC9001);
    private static final Map<String, byte[]> V2 = QuicVectors.load(QuicVectors.RFC9369);

    private static Map<String, byte[]> vectors(int version) {
        return version == 1 ? V1 : V2;
    }

    private static QuicVersion quicVersion(int version) {
        return version == 1 ? QuicVersion.V1 : QuicVersion.V2;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void hkdfLabelsAreThoseOfAppendixA1(int version) {
        Map<String, byte[]> v = vectors(version);
        QuicVersion q = quicVersion(version);
        assertHex(v.get("label_client_in"), QuicVersion.hkdfLabel("client in", 32));
        assertHex(v.get("label_key"), q.keyLabel);
        assertHex(v.get("label_iv"), q.ivLabel);
        assertHex(v.get("label_hp"), q.hpLabel);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void derivesTheClientInitialKeysOfAppendixA1(int version) {
        Map<String, byte[]> v = vectors(version);
        byte[] dcid = v.get("dcid");
        byte[] key = new byte[16];
        byte[] iv = new byte[12];
        byte[] hp = new byte[16];
        InitialKeys keys = new InitialKeys();
        assertEquals(true, keys.derive(quicVersion(version), dcid, 0, dcid.length, key, iv, hp));
        assertHex(v.get("initial_secret"), keys.initialSecret());
        assertHex(v.get("client_initial_secret"), keys.clientInitialSecret());
        assertHex(v.get("key"), key);
        assertHex(v.get("iv"), iv);
        assertHex(v.get("hp"), hp);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void headerProtectionMaskOfAppendixA2(int version) {
        Map<String, byte[]> v = vectors(version);
        byte[] mask = new byte[16];
        assertEquals(true, new PacketProtection().headerMask(v.get("hp"), v.get("sample"), 0, mask));
        assertHex(v.get("mask"), Arrays.copyOf(mask, 5));
        byte[] packet = v.get("packet");
        assertHex(v.get("sample"), Arrays.copyOfRange(packet, 22, 38));
        assertHex(v.get("protected_header"), Arrays.copyOf(packet, 22));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void decryptsTheClientInitialOfAppendixA2(int version) {
        Map<String, byte[]> v = vectors(version);
        byte[] packet = v.get("packet").clone();
        byte[] unprotected = v.get("unprotected_header");
        byte[] plain = new byte[packet.length];
        System.arraycopy(unprotected, 0, packet, 0, unprotected.length);
        int n = new PacketProtection().open(v.get("key"), v.get("iv"), 2, packet, 0, unprotected.length,
                unprotected.length, packet.length - unprotected.length, plain);
        assertEquals(1162, n);
        byte[] frame = v.get("crypto_frame");
        assertHex(frame, Arrays.copyOf(plain, frame.length));
        byte[] padding = Arrays.copyOfRange(plain, frame.length, n);
        assertArrayEquals(new byte[padding.length], padding);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void inspectorReadsTheClientHelloOfAppendixA2(int version) {
        byte[] packet = vectors(version).get("packet");
        ByteBuffer buf = ByteBuffer.allocateDirect(packet.length + 10);
        buf.position(10);
        buf.put(packet);
        ClientHelloInfo out = new ClientHelloInfo();
        QuicFlowState state = new QuicFlowState();
        int result = new QuicInspector(QuicInspector.DEFAULT_MAX_CLIENT_HELLO_BYTES)
                .inspect(state, buf, 10, packet.length, out);
        assertEquals(QuicInspector.CLIENT_HELLO, result);
        assertEquals("example.com", out.sni());
        assertEquals(1, out.alpnCount());
        assertEquals("alpn", out.alpn(0));
        assertEquals(2, state.largestPacketNumber);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void builderReproducesThePacketOfAppendixA2(int version) {
        Map<String, byte[]> v = vectors(version);
        byte[] built = new QuicInitialBuilder(version == 1 ? QuicInitialBuilder.V1 : QuicInitialBuilder.V2,
                v.get("dcid")).packetNumber(2).packetNumberLength(4).initial(v.get("crypto_frame"));
        assertHex(v.get("packet"), built);
    }

    @Test
    void packetNumberDecodingExampleOfRfc9000AppendixA3() {
        assertEquals(0xa82f9b32L, QuicInspector.decodePacketNumber(0xa82f30eaL, 0x9b32, 16));
    }

    private static void assertHex(byte[] expected, byte[] actual) {
        assertEquals(QuicVectors.toHex(expected), QuicVectors.toHex(actual));
    }
}
