package org.nfqwall.inspect.quic;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nfqwall.inspect.tls.ClientHelloInfo;

/** Truncated, damaged and random datagrams: never an exception, always a defined result. */
class QuicInspectorFuzzTest {
    private static final byte[] RFC_V1 = QuicVectors.load(QuicVectors.RFC9001).get("packet");
    private static final byte[] RFC_V2 = QuicVectors.load(QuicVectors.RFC9369).get("packet");

    private final QuicInspector inspector = new QuicInspector(QuicInspector.DEFAULT_MAX_CLIENT_HELLO_BYTES);
    private final ClientHelloInfo out = new ClientHelloInfo();
    private final ByteBuffer buf = ByteBuffer.allocateDirect(4096);

    private int inspect(QuicFlowState s, byte[] b, int len) {
        buf.clear();
        buf.put(b, 0, len);
        int r = inspector.inspect(s, buf, 0, len, out);
        assertTrue(r >= QuicInspector.NEED_MORE && r <= QuicInspector.TOO_LARGE, "result " + r);
        return r;
    }

    static IntStream lengths() {
        return IntStream.range(0, 1200).filter(n -> n < 64 || n % 37 == 0 || n > 1180);
    }

    @ParameterizedTest
    @MethodSource("lengths")
    void truncatedRfcInitialsNeverThrow(int length) {
        inspect(new QuicFlowState(), RFC_V1, length);
        inspect(new QuicFlowState(), RFC_V2, length);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 5, 6, 17, 18, 21, 22, 40, 600, 1199})
    void everyBitFlipInAnRfcInitialIsReadOrRefused(int index) {
        for (int bit = 0; bit < 8; bit++) {
            byte[] b = RFC_V1.clone();
            b[index] ^= (byte) (1 << bit);
            int r = inspect(new QuicFlowState(), b, b.length);
            assertTrue(r != QuicInspector.CLIENT_HELLO || "example.com".equals(out.sni()),
                    "a damaged packet may only be read when the damage is in unauthenticated bits");
        }
    }

    @Test
    void randomDatagramsNeverThrow() {
        SplittableRandom random = new SplittableRandom(9001);
        byte[] b = new byte[1500];
        QuicFlowState s = new QuicFlowState();
        for (int i = 0; i < 100_000; i++) {
            int len = random.nextInt(b.length + 1);
            for (int j = 0; j < len; j++) {
                b[j] = (byte) random.nextInt(256);
            }
            if (len > 0 && random.nextBoolean()) {
                b[0] |= (byte) 0xC0; // a long header, so the parse goes deeper
                if (len > 5 && random.nextBoolean()) {
                    int version = random.nextBoolean() ? QuicInitialBuilder.V1 : QuicInitialBuilder.V2;
                    b[1] = (byte) (version >>> 24);
                    b[2] = (byte) (version >>> 16);
                    b[3] = (byte) (version >>> 8);
                    b[4] = (byte) version;
                    b[5] = (byte) random.nextInt(22);
                }
            }
            if (i % 1000 == 0) {
                s.reset();
            }
            inspect(s, b, len);
        }
    }

    @Test
    void randomFramesInAuthenticInitialsNeverThrow() {
        SplittableRandom random = new SplittableRandom(9369);
        byte[] dcid = QuicVectors.hex("0807060504030201");
        QuicFlowState s = new QuicFlowState();
        for (int i = 0; i < 3_000; i++) {
            byte[] frames = new byte[1 + random.nextInt(1100)];
            for (int j = 0; j < frames.length; j++) {
                frames[j] = (byte) random.nextInt(256);
            }
            // Mostly frame types an Initial may carry, to reach the ACK, CRYPTO and CLOSE parsers.
            int[] types = {0x00, 0x01, 0x02, 0x03, 0x06, 0x1c};
            for (int j = 0; j < frames.length; j += 1 + random.nextInt(12)) {
                frames[j] = (byte) types[random.nextInt(types.length)];
            }
            s.reset();
            byte[] d = new QuicInitialBuilder(i % 2 == 0 ? QuicInitialBuilder.V1 : QuicInitialBuilder.V2, dcid)
                    .packetNumber(random.nextInt(1000)).packetNumberLength(4).initial(frames);
            inspect(s, d, d.length);
        }
    }

    @Test
    void randomSplitsOfAClientHelloAlwaysReadIt() {
        SplittableRandom random = new SplittableRandom(7);
        byte[] hello = ClientHellos.tls13("random.example", List.of("h3"), 3000);
        for (int i = 0; i < 200; i++) {
            int packets = 3 + random.nextInt(6);
            List<byte[]> ds = new QuicInitialBuilder(QuicInitialBuilder.V1, QuicVectors.hex("1122334455667788"))
                    .datagrams(hello, packets);
            java.util.Collections.shuffle(ds, new java.util.Random(random.nextLong()));
            QuicFlowState s = new QuicFlowState();
            int r = 0;
            for (byte[] d : ds) {
                r = inspect(s, d, d.length);
            }
            assertTrue(r == QuicInspector.CLIENT_HELLO && "random.example".equals(out.sni()));
        }
    }
}
