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
    void readsTlsClientSummary() {
        TlsResult r = TlsResult.fromJson("{\"connected\": true, \"connect_error\": null, "
                + "\"local_port\": 40112, \"hello_bytes\": 4000, \"records_sent\": 2, "
                + "\"segments_sent\": 3, \"bytes_sent\": 4010, \"handshake_ok\": true, "
                + "\"handshake_error\": null, \"alpn\": \"http/1.1\", \"tls_version\": \"TLSv1.3\", "
                + "\"status\": 200, \"reset\": false, \"closed\": false, \"timed_out\": false, "
                + "\"ms_until_end\": null, \"elapsed_ms\": 23.5}");
        assertEquals(40112, r.localPort());
        assertEquals(4000, r.helloBytes());
        assertEquals(200, r.status());
        assertEquals("http/1.1", r.alpn());
        assertNull(r.msUntilEnd());
    }

    @Test
    void readsTlsClientSummaryWithoutConnection() {
        TlsResult r = TlsResult.fromJson("{\"connected\": false, \"connect_error\": \"timeout\", "
                + "\"local_port\": null, \"hello_bytes\": 512, \"records_sent\": 1, "
                + "\"segments_sent\": 0, \"bytes_sent\": 0, \"handshake_ok\": false, "
                + "\"handshake_error\": null, \"alpn\": null, \"tls_version\": null, "
                + "\"status\": null, \"reset\": false, \"closed\": false, \"timed_out\": false, "
                + "\"ms_until_end\": null, \"elapsed_ms\": 3001}");
        assertEquals(0, r.localPort());
        assertNull(r.status());
        assertEquals("timeout", r.connectError());
    }

    @Test
    void readsTlsHandshakeWithoutSni() {
        TlsHandshake h = TlsHandshake.fromJson(Json.parseObject("{\"ok\":true,\"sni\":null,"
                + "\"alpn\":\"http/1.1\",\"version\":\"TLSv1.3\",\"cipher\":\"TLS_AES_256_GCM_SHA384\","
                + "\"client\":\"10.99.1.2\",\"client_port\":36154,\"port\":8443,"
                + "\"time\":\"2026-11-23T18:42:06.092Z\",\"t\":1795459326.09,\"error\":null}"));
        assertNull(h.sni());
        assertEquals(36154, h.clientPort());
        assertEquals(8443, h.port());
    }

    @Test
    void putsTcpSinkEventsTogetherPerConnection() {
        List<SinkConnection> c = SinkConnection.fromJsonLines(List.of(
                Json.parseObject("{\"event\":\"open\",\"conn\":1,\"client\":\"10.99.1.2\",\"client_port\":5,\"port\":51413}"),
                Json.parseObject("{\"event\":\"open\",\"conn\":2,\"client\":\"fd99:1::2\",\"client_port\":6,\"port\":51413}"),
                Json.parseObject("{\"event\":\"data\",\"conn\":1,\"bytes\":68,\"head\":\"1342\"}"),
                Json.parseObject("{\"event\":\"data\",\"conn\":1,\"bytes\":100}"),
                Json.parseObject("{\"event\":\"end\",\"conn\":1,\"how\":\"eof\",\"total\":168}")));
        assertEquals(List.of(new SinkConnection(1, "10.99.1.2", 5, 168, "1342", "eof"),
                new SinkConnection(2, "fd99:1::2", 6, 0, "", null)), c);
    }

    @Test
    void readsDatagram() {
        ReceivedDatagram d = ReceivedDatagram.fromJson(Json.parseObject("{\"client\":\"10.99.1.2\","
                + "\"client_port\":40000,\"port\":443,\"bytes\":5,\"hex\":\"c300000001\","
                + "\"time\":\"2026-11-23T18:46:06.358Z\",\"t\":1.0}"));
        assertEquals(5, d.bytes());
        assertEquals("c300000001", d.hex());
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
