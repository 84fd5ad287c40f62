package org.nfqwall.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One connection the TCP sink accepted, put together from the lines it logged so far.
 *
 * @param number the sink's connection number, from 1 in accept order
 * @param client the peer's address (IPv4 without the ::ffff: prefix)
 * @param bytes the bytes received so far
 * @param headHex the connection's first 256 bytes in lower-case hex ("" before any arrived)
 * @param end how it ended: "eof", "reset", "idle" or "limit"; null while it is open
 */
public record SinkConnection(int number, String client, int clientPort, long bytes, String headHex,
                             String end) {

    /** The connections described by tcp_sink.py's log lines, in accept order. */
    static List<SinkConnection> fromJsonLines(List<Map<String, Object>> lines) {
        Map<Integer, SinkConnection> byNumber = new LinkedHashMap<>();
        for (Map<String, Object> line : lines) {
            int n = ((Number) line.get("conn")).intValue();
            SinkConnection c = byNumber.get(n);
            switch ((String) line.get("event")) {
                case "open" -> byNumber.put(n, new SinkConnection(n, (String) line.get("client"),
                        ((Number) line.get("client_port")).intValue(), 0, "", null));
                case "data" -> {
                    if (c != null) {
                        String head = (String) line.getOrDefault("head", null);
                        byNumber.put(n, new SinkConnection(n, c.client, c.clientPort,
                                c.bytes + ((Number) line.get("bytes")).longValue(),
                                head != null ? head : c.headHex, null));
                    }
                }
                case "end" -> {
                    if (c != null) {
                        byNumber.put(n, new SinkConnection(n, c.client, c.clientPort, c.bytes,
                                c.headHex, (String) line.get("how")));
                    }
                }
                default -> throw new IllegalArgumentException("unknown tcp_sink event: " + line);
            }
        }
        return new ArrayList<>(byNumber.values());
    }
}
