package org.nfqwall.lab;

import java.util.Map;

/**
 * What tls_client.py saw: how its ClientHello was sent, whether the handshake completed, and the
 * status of the one GET it sent afterwards.
 *
 * @param connectError why the connection could not be made ("timeout", "refused (reset)"), or null
 * @param localPort the client's TCP port (to find the connection in a server log or a capture), 0 if none
 * @param helloBytes the ClientHello handshake message's size (4-byte header included)
 * @param recordsSent the TLS records it was framed in
 * @param segmentsSent the TCP segments (separate writes) it was sent in
 * @param bytesSent the ClientHello bytes sent, record headers included
 * @param handshakeError OpenSSL's reason, or the socket error, if the handshake failed; else null
 * @param alpn the protocol agreed by ALPN, or null
 * @param tlsVersion e.g. "TLSv1.3", or null before the handshake completed
 * @param status the response's status code, or null if none arrived
 * @param reset whether the connection was reset (by the server or a firewall)
 * @param closed whether the server closed it
 * @param timedOut whether the client stopped waiting for the handshake or the response
 * @param msUntilEnd milliseconds from connect to the reset or close, or null if neither came
 * @param json the raw summary, for messages
 */
public record TlsResult(boolean connected, String connectError, int localPort, int helloBytes, int recordsSent,
                        int segmentsSent, long bytesSent, boolean handshakeOk, String handshakeError,
                        String alpn, String tlsVersion, Integer status, boolean reset,
                        boolean closed, boolean timedOut, Double msUntilEnd, double elapsedMs,
                        String json) {

    static TlsResult fromJson(String text) {
        Map<String, Object> m = Json.parseObject(text);
        Number status = (Number) m.get("status");
        Number localPort = (Number) m.get("local_port");
        Number until = (Number) m.get("ms_until_end");
        return new TlsResult((Boolean) m.get("connected"), (String) m.get("connect_error"),
                localPort == null ? 0 : localPort.intValue(),
                ((Number) m.get("hello_bytes")).intValue(), ((Number) m.get("records_sent")).intValue(),
                ((Number) m.get("segments_sent")).intValue(), ((Number) m.get("bytes_sent")).longValue(),
                (Boolean) m.get("handshake_ok"), (String) m.get("handshake_error"),
                (String) m.get("alpn"), (String) m.get("tls_version"),
                status == null ? null : status.intValue(), (Boolean) m.get("reset"),
                (Boolean) m.get("closed"), (Boolean) m.get("timed_out"),
                until == null ? null : until.doubleValue(), ((Number) m.get("elapsed_ms")).doubleValue(),
                text.strip());
    }
}
