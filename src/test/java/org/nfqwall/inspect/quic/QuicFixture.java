package org.nfqwall.inspect.quic;

import java.nio.ByteBuffer;
import java.util.List;
import org.nfqwall.inspect.tls.ClientHelloInfo;

/**
 * One inspector, one flow and the ClientHello they fill, shared by the QUIC inspector tests:
 * datagrams are handed over at an offset inside a direct buffer, as the queue delivers them.
 */
abstract class QuicFixture {
    static final byte[] DCID = QuicVectors.hex("0011223344556677");
    static final byte[] OTHER_DCID = QuicVectors.hex("a1a2a3a4a5a6a7a8a9aa");

    final QuicInspector inspector = new QuicInspector(QuicInspector.DEFAULT_MAX_CLIENT_HELLO_BYTES);
    final QuicFlowState state = new QuicFlowState();
    final ClientHelloInfo out = new ClientHelloInfo();

    int inspect(byte[] datagram) {
        ByteBuffer buf = ByteBuffer.allocateDirect(datagram.length + 7);
        buf.position(7);
        buf.put(datagram);
        return inspector.inspect(state, buf, 7, datagram.length, out);
    }

    static byte[] hello(String sni, int minLength) {
        return ClientHellos.tls13(sni, List.of("h3"), minLength);
    }

    static int versionNumber(int v) {
        return v == 1 ? QuicInitialBuilder.V1 : QuicInitialBuilder.V2;
    }
}
