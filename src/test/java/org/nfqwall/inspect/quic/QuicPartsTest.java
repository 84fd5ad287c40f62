package org.nfqwall.inspect.quic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nfqwall.inspect.tls.ClientHelloInfo;

/** The pieces: varints, CRYPTO reassembly, the frame walk, the command-line tool. */
class QuicPartsTest {
    @ParameterizedTest
    @CsvSource({
        // RFC 9000 A.1 examples
        "c2197c5eff14e88c, 151288809941952652, 8",
        "9d7f3e7d, 494878333, 4",
        "7bbd, 15293, 2",
        "25, 37, 1",
        "4025, 37, 2",
    })
    void readsVarintsOfRfc9000AppendixA1(String hex, long value, int length) {
        byte[] b = QuicVectors.hex(hex);
        assertEquals(value, Varints.read(b, 0, b.length));
        assertEquals(length, Varints.length(b[0]));
    }

    @Test
    void truncatedVarintsAreReported() {
        byte[] b = QuicVectors.hex("c2197c5eff14e8");
        assertEquals(Varints.TRUNCATED, Varints.read(b, 0, b.length));
        assertEquals(Varints.TRUNCATED, Varints.read(b, 7, b.length));
        assertEquals(Varints.TRUNCATED, Varints.read(b, -1, b.length));
        assertEquals(Varints.TRUNCATED, Varints.read(QuicVectors.hex("40"), 0, 1));
    }

    @Test
    void builderVarintsRoundTrip() {
        for (long v : new long[] {0, 63, 64, 16383, 16384, (1L << 30) - 1, 1L << 30, (1L << 62) - 1}) {
            byte[] b = QuicInitialBuilder.varint(v);
            assertEquals(v, Varints.read(b, 0, b.length));
            assertEquals(b.length, Varints.length(b[0]));
        }
    }

    @Test
    void cryptoStreamJoinsPiecesInAnyOrder() {
        CryptoStream c = new CryptoStream();
        c.ensureCapacity(100);
        byte[] data = new byte[100];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        assertEquals(CryptoStream.OK, c.add(data, 70, 70, 30));
        assertEquals(0, c.contiguous());
        assertEquals(CryptoStream.OK, c.add(data, 0, 0, 10));
        assertEquals(10, c.contiguous());
        assertEquals(CryptoStream.OK, c.add(data, 5, 5, 70));
        assertEquals(100, c.contiguous());
        assertArrayEquals(data, Arrays.copyOf(c.data(), 100));
    }

    @Test
    void cryptoStreamRefusesDataBeyondItsCapacityAndChangedBytes() {
        CryptoStream c = new CryptoStream();
        c.ensureCapacity(64);
        byte[] data = new byte[64];
        assertEquals(CryptoStream.TOO_LARGE, c.add(data, 0, 1, 64));
        assertEquals(CryptoStream.TOO_LARGE, c.add(data, 0, 1L << 61, 1));
        assertEquals(CryptoStream.OK, c.add(data, 0, 0, 64));
        data[3] = 1;
        assertEquals(CryptoStream.CONFLICT, c.add(data, 3, 3, 1));
    }

    @Test
    void cryptoStreamClearKeepsItsBuffer() {
        CryptoStream c = new CryptoStream();
        assertFalse(c.allocated());
        c.ensureCapacity(128);
        byte[] buffer = c.data();
        c.add(new byte[128], 0, 0, 128);
        c.clear();
        assertEquals(0, c.contiguous());
        c.ensureCapacity(128);
        assertTrue(buffer == c.data());
        assertEquals(CryptoStream.OK, c.add(new byte[] {9}, 0, 0, 1));
        assertEquals(1, c.contiguous());
    }

    @ParameterizedTest
    @CsvSource({
        "'', 1",                        // no frames at all
        "00000001, 0",                  // padding and ping
        "020500010201, 1",              // ACK cut short in its last range
        "02050001020100, 0",            // ACK with one more range
        "0205004000, 1",                // ACK with a range count that cannot fit
        "030500000000000000, 0",        // ACK_ECN with three counts
        "03000000000000, 1",            // ACK_ECN missing a count
        "1c0a000362616400, 0",          // CONNECTION_CLOSE, then padding
        "1c0a0005626164, 1",            // reason runs past
        "1d00000000, 1",                // application close is not allowed in Initials
        "0600050102, 1",                // CRYPTO data runs past
        "10, 1",                        // MAX_DATA
    })
    void walksInitialFrames(String hex, int expected) {
        byte[] b = QuicVectors.hex(hex);
        CryptoStream c = new CryptoStream();
        c.ensureCapacity(64);
        assertEquals(expected, InitialFrames.walk(b, 0, b.length, c));
    }

    @Test
    void toolPrintsOneHexDatagramPerPacketThatTheInspectorReads() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = QuicInitialTool.run(new String[] {"--sni", "tool.example", "--version", "2", "--packets", "3"},
                new PrintStream(bytes, true, StandardCharsets.US_ASCII), System.err);
        assertEquals(0, status);
        String[] lines = bytes.toString(StandardCharsets.US_ASCII).strip().split("\n");
        assertEquals(3, lines.length);
        QuicInspector inspector = new QuicInspector(QuicInspector.DEFAULT_MAX_CLIENT_HELLO_BYTES);
        QuicFlowState state = new QuicFlowState();
        ClientHelloInfo out = new ClientHelloInfo();
        int result = -1;
        for (String line : lines) {
            byte[] d = QuicVectors.hex(line);
            assertEquals(1200, d.length);
            ByteBuffer buf = ByteBuffer.allocateDirect(d.length);
            buf.put(d);
            result = inspector.inspect(state, buf, 0, d.length, out);
        }
        assertEquals(QuicInspector.CLIENT_HELLO, result);
        assertEquals("tool.example", out.sni());
        assertEquals("h3", out.alpn(0));
    }

    @Test
    void toolRefusesBadArgumentsWithUsage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.US_ASCII);
        assertEquals(2, QuicInitialTool.run(new String[] {"--version", "3", "--sni", "x"}, System.out, errStream));
        assertEquals(2, QuicInitialTool.run(new String[] {"--packets", "0", "--sni", "x"}, System.out, errStream));
        assertEquals(2, QuicInitialTool.run(new String[] {}, System.out, errStream));
        assertTrue(err.toString(StandardCharsets.US_ASCII).contains("usage: QuicInitialTool --sni NAME"));
    }
}
