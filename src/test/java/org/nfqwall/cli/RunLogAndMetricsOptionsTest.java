package org.nfqwall.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The decision-log and metrics options of {@code run}: bad values are usage errors (exit 2) that say why. */
class RunLogAndMetricsOptionsTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void unknownLogFormatIsAUsageError() {
        assertEquals(2, run("run", "--rules", "rules/example.yaml", "--log-format", "xml"));
        assertTrue(err.toString().contains("expected json or text, got \"xml\""), err.toString());
    }

    @Test
    void metricsWithoutHostIsAUsageError() {
        assertEquals(2, run("run", "--rules", "rules/example.yaml", "--metrics", "9469"));
        assertTrue(err.toString().contains("--metrics \"9469\": expected HOST:PORT"), err.toString());
    }

    @Test
    void negativeLogRateIsAUsageError() {
        assertEquals(2, run("run", "--rules", "rules/example.yaml", "--log-rate", "-5"));
        assertTrue(err.toString().contains("--log-rate must be 0 (no limit) to"), err.toString());
    }

    @Test
    void helpListsTheOptions() {
        assertEquals(0, run("run", "--help"));
        for (String option : new String[] {"--log-file", "--log-format", "--log-all", "--log-rate", "--metrics"}) {
            assertTrue(out.toString().contains(option), option + " in " + out);
        }
    }
}
