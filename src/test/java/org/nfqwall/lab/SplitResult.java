package org.nfqwall.lab;

import java.util.List;
import java.util.Map;

/**
 * What split_client.py saw: the response statuses and how the connection ended.
 *
 * @param connectError why the connection could not be made ("timeout", "refused (reset)"), or null
 * @param statuses the status code of each complete response, in order
 * @param reset whether the connection was reset (by the peer or a firewall)
 * @param closed whether the peer closed the connection normally
 * @param timedOut whether the client stopped waiting for an answer or the end
 * @param sendError why sending stopped early, or null
 * @param msUntilEnd milliseconds from connect to the reset or close, or null if neither came
 * @param json the raw summary, for messages
 */
public record SplitResult(boolean connected, String connectError, int piecesSent, long bytesSent,
                          List<Integer> statuses, boolean reset, boolean closed, boolean timedOut,
                          String sendError, Double msUntilEnd, double elapsedMs, String json) {

    static SplitResult fromJson(String text) {
        Map<String, Object> m = Json.parseObject(text);
        List<Integer> statuses = ((List<?>) m.get("statuses")).stream()
                .map(s -> ((Number) s).intValue()).toList();
        Number until = (Number) m.get("ms_until_end");
        return new SplitResult((Boolean) m.get("connected"), (String) m.get("connect_error"),
                ((Number) m.get("pieces_sent")).intValue(), ((Number) m.get("bytes_sent")).longValue(),
                statuses, (Boolean) m.get("reset"), (Boolean) m.get("closed"),
                (Boolean) m.get("timed_out"), (String) m.get("send_error"),
                until == null ? null : until.doubleValue(),
                ((Number) m.get("elapsed_ms")).doubleValue(), text.strip());
    }
}
