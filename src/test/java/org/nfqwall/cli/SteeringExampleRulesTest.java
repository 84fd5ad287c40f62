package org.nfqwall.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.nfqwall.rules.MarkDefinition;
import org.nfqwall.rules.MarkRoute;
import org.nfqwall.rules.MarkShape;
import org.nfqwall.rules.MarkSteering;
import org.nfqwall.rules.RuleSet;
import org.nfqwall.rules.RulesLoader;

/** rules/steering.yaml, the commented steering example, stays clean and says what its comments say. */
class SteeringExampleRulesTest {
    private static final String FILE = "rules/steering.yaml";

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void passesLintWithoutWarnings() {
        assertEquals(0, run("check", "--lint", FILE), err.toString());
        assertEquals(FILE + ": ok, 3 rules, 1 group, 3 marks, default accept, no warnings\n", out.toString());
    }

    @Test
    void theVpnMarkRoutesThroughTable100AndSteersForAnHour() {
        RuleSet rules = RulesLoader.load(Path.of(FILE)).ruleSet();
        MarkDefinition vpn = rules.markDefinitions().get("vpn");
        assertEquals(0x10, vpn.value());
        assertEquals(new MarkRoute(100, "10.8.0.1", "fd00:8::1", "wg0", 1000), vpn.route());
        assertEquals(new MarkSteering(3600, 65536), vpn.steering());
        assertNull(vpn.shape());
    }

    @Test
    void theShapingMarksHaveTheirClassesAndNoRoute() {
        RuleSet rules = RulesLoader.load(Path.of(FILE)).ruleSet();
        MarkShape slow = rules.markDefinitions().get("slow").shape();
        assertNotNull(slow);
        assertEquals(2_000_000, slow.rateBits());
        assertEquals(4_000_000, slow.ceilBits());
        assertNull(rules.markDefinitions().get("slow").route());
        assertEquals(20_000_000, rules.markDefinitions().get("calls").shape().rateBits());
    }

    @Test
    void aStreamingHostGetsTheVpnMark() {
        assertEquals(0, run("explain", "--rules", FILE, "--url", "https://www.stream.example.com/"), err.toString());
        assertTrue(out.toString().contains("streaming-via-vpn"), out.toString());
    }
}
