package org.nfqwall.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code run --queue} and {@code --queues}: bad lists and both at once are usage errors (exit 2) that say why. */
class RunQueueOptionsTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void queueAndQueuesTogetherIsAUsageError() {
        assertEquals(2, run("run", "--rules", "rules/example.yaml", "--queue", "1", "--queues", "0-1"));
        assertTrue(err.toString().contains("--queue and --queues both given"), err.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0-64|--queues: queue list \"0-64\" names more than 64 queues",
        "3-1|--queues: queue list \"3-1\": item 1: range 3-1 runs backwards",
        "1,1|--queues: queue list \"1,1\": item 2 (1) overlaps item 1; list each queue once",
        "65536|--queues: queue list \"65536\": item 1: queue 65536 is out of range",
        "x|--queues: queue list \"x\": item 1 \"x\" is not a queue or range",
    })
    void badQueueListsAreUsageErrors(String list, String message) {
        assertEquals(2, run("run", "--rules", "rules/example.yaml", "--queues", list));
        assertTrue(err.toString().contains(message), err.toString());
        assertTrue(err.toString().contains("Usage:"), err.toString());
    }

    @Test
    void moreQueuesThanFlowsIsAUsageError() {
        assertEquals(2, run("run", "--rules", "rules/example.yaml", "--queues", "0-3", "--flows", "3"));
        assertTrue(err.toString().contains("--flows must be at least the number of queues (4)"), err.toString());
    }

    @Test
    void helpSaysTheOptionsBoundTheWholeDaemon() {
        assertEquals(0, run("run", "--help"));
        String help = out.toString().replaceAll("\\s+", " ");
        assertTrue(help.contains("--queues=LIST"), help);
        assertTrue(help.contains("one queue per processor"), help);
        assertTrue(help.contains("by all queues together (divided evenly among them)"), help);
    }
}
