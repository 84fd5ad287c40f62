package org.nfqwall.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BlockRequestTest {
    @Test
    void blockRoundTrips() throws Exception {
        ControlRequest r = ControlRequest.block("10.0.0.0/8", null, "a.example", 600, "abuse");
        assertEquals("{\"cmd\":\"block\",\"src\":\"10.0.0.0/8\",\"host\":\"a.example\",\"seconds\":600,\"reason\":\"abuse\"}",
                r.toJson());
        assertEquals(r, ControlRequest.fromJson(r.toJson()));
    }

    @Test
    void unblockByIdAndBySelectorsRoundTrip() throws Exception {
        assertEquals(ControlRequest.unblock(3), ControlRequest.fromJson("{\"cmd\":\"unblock\",\"id\":3}"));
        ControlRequest r = ControlRequest.unblock(null, "fd00::1", null);
        assertEquals(r, ControlRequest.fromJson(r.toJson()));
        assertEquals(ControlRequest.blocks(), ControlRequest.fromJson("{\"cmd\":\"blocks\"}"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"cmd\":\"block\",\"seconds\":5}|at least one of",
        "{\"cmd\":\"block\",\"src\":\"10.0.0.1\"}|seconds",
        "{\"cmd\":\"block\",\"src\":\"10.0.0.1\",\"seconds\":0}|seconds",
        "{\"cmd\":\"block\",\"src\":1,\"seconds\":5}|must be a string",
        "{\"cmd\":\"block\",\"src\":\"10.0.0.1\",\"seconds\":5,\"id\":2}|unknown key",
        "{\"cmd\":\"unblock\"}|either",
        "{\"cmd\":\"unblock\",\"id\":1,\"src\":\"10.0.0.1\"}|either",
        "{\"cmd\":\"unblock\",\"id\":\"1\"}|whole number",
        "{\"cmd\":\"blocks\",\"id\":1}|unknown key"})
    void refusesMalformedBlockRequests(String line, String message) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> ControlRequest.fromJson(line));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
