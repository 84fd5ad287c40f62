package org.nfqwall.lab;

import java.util.Map;

/**
 * One request head the recording server read, as it logged it (one JSON line each).
 *
 * @param host the Host header as sent, or null if there was none
 * @param client the client's address (IPv4 without the ::ffff: prefix)
 * @param port the server port it arrived on
 * @param time when it arrived, ISO-8601 UTC with milliseconds
 */
public record ReceivedRequest(String method, String path, String host, String version,
                              String client, int port, String time) {

    static ReceivedRequest fromJson(Map<String, Object> json) {
        return new ReceivedRequest((String) json.get("method"), (String) json.get("path"),
                (String) json.get("host"), (String) json.get("version"),
                (String) json.get("client"), ((Number) json.get("port")).intValue(),
                (String) json.get("time"));
    }
}
