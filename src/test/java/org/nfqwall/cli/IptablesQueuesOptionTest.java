package org.nfqwall.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code nfqwall iptables --queues A-B [--cpu-fanout]}, and what is refused. */
class IptablesQueuesOptionTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void aRangeIsBalanced() {
        assertEquals(0, run("iptables", "--queues", "0-3", "--ports", "80"), err.toString());
        assertTrue(out.toString().contains("-A NFQWALL -j NFQUEUE --queue-balance 0:3 --queue-bypass\n"), out.toString());
    }

    @Test
    void cpuFanoutIsOptIn() {
        assertEquals(0, run("iptables", "--queues", "0-1", "--cpu-fanout", "--fail-closed"), err.toString());
        assertTrue(out.toString().contains("-A NFQWALL -j NFQUEUE --queue-balance 0:1 --queue-cpu-fanout\n"), out.toString());
    }

    @Test
    void oneQueueNamedWithQueuesIsQueueNum() {
        assertEquals(0, run("iptables", "--queues", "7"), err.toString());
        assertTrue(out.toString().contains("-A NFQWALL -j NFQUEUE --queue-num 7 --queue-bypass\n"), out.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--queue,1,--queues,0-1|--queue and --queues both given",
        "--queues,0-1,--queues,0-1|should be specified only once",
        "--queues,0;2|--queues: \"0,2\" is not one range",
        "--queue,3,--cpu-fanout|--cpu-fanout needs --queues A-B",
        "--queues,3,--cpu-fanout|--cpu-fanout needs --queues A-B with A < B",
        "--queues,2-1,--ports|--queues: queue list \"2-1\": item 1: range 2-1 runs backwards",
    })
    void refusedWithAUsageError(String args, String message) {
        String[] a = ("iptables," + args).split(",");
        for (int i = 0; i < a.length; i++) {
            a[i] = a[i].replace(';', ',');
        }
        if (args.endsWith("--ports")) {
            a = (String.join(",", a) + ",80").split(",");
        }
        assertEquals(2, run(a));
        assertTrue(err.toString().contains(message), err.toString());
    }

    @Test
    void neitherQueueNorQueuesIsAUsageError() {
        assertEquals(2, run("iptables", "--ports", "80"));
        assertTrue(err.toString().contains("'--queue=N' or '--queues=A-B'"), err.toString());
    }
}
