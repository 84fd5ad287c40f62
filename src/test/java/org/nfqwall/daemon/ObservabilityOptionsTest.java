package org.nfqwall.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ObservabilityOptionsTest {
    @Test
    void readsIpv4AndBracketedIpv6() {
        InetSocketAddress a = ObservabilityOptions.parseAddress("127.0.0.1:9469");
        assertEquals("127.0.0.1", a.getAddress().getHostAddress());
        assertEquals(9469, a.getPort());
        InetSocketAddress b = ObservabilityOptions.parseAddress("[::1]:0");
        assertEquals("0:0:0:0:0:0:0:1", b.getAddress().getHostAddress());
        assertEquals(0, b.getPort());
    }

    @ParameterizedTest
    @ValueSource(strings = {"9469", ":9469", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:http",
        "::1:9469", "[::1]", "no-such-host.invalid:9469"})
    void refusesWhatIsNotHostAndPort(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ObservabilityOptions.parseAddress(text));
        assertTrue(e.getMessage().startsWith("--metrics \"" + text + "\": "), e.getMessage());
        assertTrue(e.getMessage().contains("expected HOST:PORT"), e.getMessage());
    }

    @Test
    void logRateMustBeInRange() {
        assertThrows(IllegalArgumentException.class, () -> new ObservabilityOptions(null, LogFormat.JSON, false, -1, null));
        assertThrows(IllegalArgumentException.class,
                () -> new ObservabilityOptions(null, LogFormat.JSON, false, ObservabilityOptions.MAX_LOG_RATE + 1, null));
    }

    @Test
    void defaultsAreJsonToStdoutAtAThousandLinesNoMetrics() {
        ObservabilityOptions d = ObservabilityOptions.defaults();
        assertEquals(LogFormat.JSON, d.logFormat());
        assertEquals(1000, d.logRatePerSecond());
        assertEquals(null, d.logFile());
        assertEquals(null, d.metricsAddress());
    }
}
