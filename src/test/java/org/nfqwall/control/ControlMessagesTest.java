package org.nfqwall.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The request and response lines of the control protocol, as the README documents them. */
class ControlMessagesTest {
    @Test
    void encodesAReloadRequestAsTheReadmeShows() {
        assertEquals("{\"cmd\":\"reload\",\"rules\":\"/path\",\"dry_run\":false}",
                ControlRequest.reload("/path", false).toJson());
        assertEquals("{\"cmd\":\"reload\",\"dry_run\":true}", ControlRequest.reload(null, true).toJson());
        assertEquals("{\"cmd\":\"stats\"}", ControlRequest.stats().toJson());
        assertEquals("{\"cmd\":\"status\"}", ControlRequest.status().toJson());
    }

    @Test
    void readsRequestsBack() throws ProtocolException {
        for (ControlRequest r : List.of(ControlRequest.reload("/etc/nfqwall/rules.yaml", true), ControlRequest.reload(null, false),
                ControlRequest.stats(), ControlRequest.status())) {
            assertEquals(r, ControlRequest.fromJson(r.toJson()));
        }
        assertEquals(ControlRequest.reload(null, false), ControlRequest.fromJson(" {\"cmd\": \"reload\"} "));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"cmd\":\"restart\"}|unknown command \"restart\", expected one of reload, stats, status, block, unblock, blocks",
        "{}|missing \"cmd\", expected one of reload, stats, status, block, unblock, blocks",
        "{\"cmd\":1}|missing \"cmd\", expected one of reload, stats, status, block, unblock, blocks",
        "{\"cmd\":\"stats\",\"rules\":\"/x\"}|unknown key \"rules\" for stats, expected cmd only",
        "{\"cmd\":\"reload\",\"force\":true}|unknown key \"force\" for reload, expected cmd, rules, dry_run",
        "{\"cmd\":\"reload\",\"rules\":5}|\"rules\" must be a string: the absolute path of a rules file",
        "{\"cmd\":\"reload\",\"dry_run\":\"yes\"}|\"dry_run\" must be true or false",
        "status|bad JSON at character 1: expected a JSON object; expected one JSON object per line, e.g. {\"cmd\":\"status\"}"})
    void refusesBadRequestsSayingWhatIsExpected(String line, String message) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> ControlRequest.fromJson(line));
        assertEquals(message, e.getMessage());
    }

    @Test
    void encodesSuccessAndFailureResponses() throws ProtocolException {
        ControlResponse ok = ControlResponse.success(Map.of("queue", 10));
        assertEquals("{\"ok\":true,\"queue\":10}", ok.toJson());
        ControlResponse bad = ControlResponse.failure(List.of("r.yaml:3:5: bad port", "r.yaml:9:1: bad host"), Map.of());
        assertEquals("{\"ok\":false,\"errors\":[\"r.yaml:3:5: bad port\",\"r.yaml:9:1: bad host\"]}", bad.toJson());
        ControlResponse back = ControlResponse.fromJson(bad.toJson());
        assertFalse(back.ok());
        assertEquals(bad.errors(), back.errors());
        assertEquals(10, ControlResponse.fromJson(ok.toJson()).number("queue", 0));
    }

    @Test
    void aRefusalIsMarked() throws ProtocolException {
        ControlResponse r = ControlResponse.fromJson(ControlResponse.refused("permission denied").toJson());
        assertTrue(r.refused());
        assertFalse(ControlResponse.failure("x").refused());
    }

    @Test
    void refusesResponsesWithoutOkOrErrors() {
        assertThrows(ProtocolException.class, () -> ControlResponse.fromJson("{\"queue\":1}"));
        assertThrows(ProtocolException.class, () -> ControlResponse.fromJson("{\"ok\":false}"));
        assertThrows(ProtocolException.class, () -> ControlResponse.fromJson("not json"));
    }
}
