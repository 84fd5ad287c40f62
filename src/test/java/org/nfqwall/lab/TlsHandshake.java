package org.nfqwall.lab;

import java.util.Map;

/**
 * One TLS handshake the TLS server completed, as it logged it (one JSON line each).
 *
 * @param sni the server_name the client sent, or null if it sent none
 * @param alpn the protocol agreed by ALPN ("http/1.1"), or null if none was
 * @param version the TLS version, e.g. "TLSv1.3"
 * @param client the client's address (IPv4 without the ::ffff: prefix)
 * @param port the server port it arrived on
 * @param time when it completed, ISO-8601 UTC with milliseconds
 */
public record TlsHandshake(String sni, String alpn, String version, String cipher, String client,
                           int clientPort, int port, String time) {

    static TlsHandshake fromJson(Map<String, Object> json) {
        return new TlsHandshake((String) json.get("sni"), (String) json.get("alpn"),
                (String) json.get("version"), (String) json.get("cipher"),
                (String) json.get("client"), ((Number) json.get("client_port")).intValue(),
                ((Number) json.get("port")).intValue(), (String) json.get("time"));
    }
}
