package org.nfqwall.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The {@code marks:} section's long form: routing table and route, steering, shaping class. */
class MarkDefinitionsTest {
    private static RuleSet load(String yaml) {
        RuleLoadResult r = RulesLoader.parse("t.yaml", yaml);
        assertTrue(r.ok(), () -> r.errors().toString());
        return r.ruleSet();
    }

    private static List<String> errors(String yaml) {
        return RulesLoader.parse("t.yaml", yaml).errors().stream().map(RuleError::toString).toList();
    }

    @Test
    void readsRoutingMarkWithDefaultSteering() {
        RuleSet s = load("""
                marks:
                  shaped: 0x6
                  vpn: {value: 0x10, table: 100, via: 10.8.0.1, via6: "fd00:8::1", dev: wg0, priority: 900}
                rules:
                  - {name: v, host: vpn.example.org, verdict: {mark: vpn}}
                  - {name: s, host: slow.example.org, verdict: {mark: shaped}}
                """);
        MarkDefinition vpn = s.markDefinitions().get("vpn");
        assertEquals(new MarkRoute(100, "10.8.0.1", "fd00:8::1", "wg0", 900), vpn.route());
        assertEquals(MarkSteering.defaults(), vpn.steering());
        assertNull(vpn.shape());
        assertEquals(3, vpn.line());
        assertEquals(MarkDefinition.plain("shaped", 6, 2), s.markDefinitions().get("shaped"));
        assertEquals(0x10, s.marks().get("vpn"));
        assertEquals(MarkSteering.defaults(), s.steering(0));
        assertNull(s.steering(1));
        assertEquals(vpn, s.markDefinition(0x10));
    }

    @Test
    void readsSteeringAndShape() {
        RuleSet s = load("""
                marks:
                  a: {value: 0x10, table: 100, steer: false}
                  b: {value: 0x20, steer: {timeout: 10m, max: 1000}, shape: {rate: 2mbit, ceil: 4mbit, prio: 1}}
                  c: {value: 0x30, shape: {rate: 500kbit}}
                """);
        assertNull(s.markDefinitions().get("a").steering());
        assertEquals(new MarkSteering(600, 1000), s.markDefinitions().get("b").steering());
        assertEquals(new MarkShape("2mbit", 2_000_000, "4mbit", 4_000_000, 1), s.markDefinitions().get("b").shape());
        assertEquals(new MarkShape("500kbit", 500_000, "500kbit", 500_000, 0), s.markDefinitions().get("c").shape());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "vpn: {table: 100}|t.yaml:2:8: mark \"vpn\" has no value, expected value: NUMBER (e.g. 0x10)",
        "vpn: {value: 0x10, table: 254}|t.yaml:2:29: bad table \"254\", expected a number from 1 to 4294967295 other than the kernel's own 0, 253 (default), 254 (main) and 255 (local)",
        "vpn: {value: 0x10, table: 100, priority: 1}|t.yaml:2:44: bad priority \"1\", expected a number from 2 to 32765 (the ip rule preference; nfqwall routing uses the one below it too; 0, 32766 and 32767 are the kernel's)",
        "vpn: {value: 0x10, via: 10.8.0.1}|t.yaml:2:22: via needs a routing table, expected table: NUMBER in mark \"vpn\" too",
        "vpn: {value: 0x10, table: 1, via: \"fd00::1\"}|t.yaml:2:37: bad via \"fd00::1\", expected an IPv4 address (the gateway; an IPv6 gateway goes under via6)",
        "vpn: {value: 0x10, table: 1, dev: a/b}|t.yaml:2:37: bad dev \"a/b\", expected a network device name of 1 to 15 characters without spaces, '/' or ':' (e.g. wg0, eth1)",
        "vpn: {value: 0x10, table: 1, steer: {timeout: 1w}}|t.yaml:2:49: bad timeout: duration \"1w\" has no unit, expected a whole number and a unit like 30s, 10m, 2h or 1d (at most 24d)",
        "vpn: {value: 0x10, shape: {rate: 2mbit, ceil: 1mbit}}|t.yaml:2:49: ceil \"1mbit\" is below rate \"2mbit\", expected a ceil at least the rate (the most the class may borrow up to)",
        "vpn: {value: 0x10, shape: {rate: 2}}|t.yaml:2:36: bad rate: rate \"2\" has no unit, expected a number and a unit like 500kbit, 2mbit, 1gbit or 100kbps",
        "vpn: {value: 0x10, colour: red}|t.yaml:2:22: unknown key \"colour\" in mark \"vpn\", expected one of: value, table, via, via6, dev, priority, steer, shape",
    })
    void refusesBadMarksAtTheirNode(String mark, String error) {
        assertEquals(List.of(error), errors("marks:\n  " + mark + "\n"));
    }

    @Test
    void refusesSharedValueForMarksWithAttachments() {
        assertEquals(List.of("t.yaml:3:3: mark \"b\" has the value 0x00000010 of mark \"a\" (line 2), expected a value"
                + " of its own for a mark with a table, steer or shape"),
                errors("marks:\n  a: 0x10\n  b: {value: 0x10, table: 7}\n"));
    }

    @ParameterizedTest
    @CsvSource({"2mbit,2000000", "1.5gbit,1500000000", "100kbps,800000", "1kibit,1024", "8bit,8"})
    void readsTcRates(String text, long bits) throws BadValueException {
        assertEquals(bits, TcRate.parseBits(text));
    }
}
