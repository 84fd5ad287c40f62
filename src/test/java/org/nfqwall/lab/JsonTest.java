package org.nfqwall.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

    @Test
    void readsSplitClientSummary() {
        SplitResult r = SplitResult.fromJson("{\"connected\": true, \"connect_error\": null, "
                + "\"pieces_sent\": 3, \"bytes_sent\": 47, \"statuses\": [200, 404], \"reset\": false, "
                + "\"closed\": false, \"timed_out\": true, \"send_error\": null, \"ms_until_end\": null, "
                + "\"elapsed_ms\": 102.2}\n");
        assertEquals(List.of(200, 404), r.statuses());
        assertEquals(47, r.bytesSent());
        assertNull(r.msUntilEnd());
        assertEquals(true, r.timedOut());
    }

    @Test
    void readsRecordedRequestWithEscapes() {
        ReceivedRequest r = ReceivedRequest.fromJson(Json.parseObject("{\"method\":\"GET\","
                + "\"path\":\"/a\\\"b\\u00e9\",\"host\":null,\"version\":\"HTTP/1.1\","
                + "\"client\":\"fd99:1::2\",\"port\":80,\"time\":\"2026-11-23T18:30:00.123Z\",\"t\":1.5}"));
        assertEquals("/a\"b\u00e9", r.path());
        assertNull(r.host());
        assertEquals(80, r.port());
    }

    @Test
    void readsNestedValues() {
        Map<String, Object> m = Json.parseObject("{\"a\": {\"b\": [1, [], {}]}, \"c\": -2.5e1}");
        assertEquals(List.of(1.0, List.of(), Map.of()), ((Map<?, ?>) m.get("a")).get("b"));
        assertEquals(-25.0, m.get("c"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "{", "{\"a\"}", "{\"a\": tru}", "{\"a\": 1} x", "{\"a\": \"\\u12\"}",
        "{\"a\": 1,}", "{\"a\": \"open"})
    void rejectsMalformedJson(String text) {
        assertThrows(IllegalArgumentException.class, () -> Json.parseObject(text));
    }
}
