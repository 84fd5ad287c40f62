package org.nfqwall.lab;

import java.util.Map;

/**
 * One datagram the UDP sink received, as it logged it (one JSON line each).
 *
 * @param client the sender's address (IPv4 without the ::ffff: prefix)
 * @param bytes the datagram's full length
 * @param hex its first 2048 bytes in lower-case hex
 * @param time when it arrived, ISO-8601 UTC with milliseconds
 */
public record ReceivedDatagram(String client, int clientPort, int port, int bytes, String hex,
                               String time) {

    static ReceivedDatagram fromJson(Map<String, Object> json) {
        return new ReceivedDatagram((String) json.get("client"),
                ((Number) json.get("client_port")).intValue(), ((Number) json.get("port")).intValue(),
                ((Number) json.get("bytes")).intValue(), (String) json.get("hex"),
                (String) json.get("time"));
    }
}
