package org.nfqwall.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nfqwall.rules.Facts;
import org.nfqwall.rules.Protocol;
import org.nfqwall.rules.RuleSet;
import org.nfqwall.rules.RulesLoader;

class ExplainCommandTest {
    private static final String RULES = "src/test/resources/cli/explain.yaml";
    private static final Pattern DECISION = Pattern.compile("(?m)^decision: .* by (rule \"([^\"]+)\"|default)");

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private static String lines(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    @Test
    void greKeyPutsTheFlowInsideATunnel(@org.junit.jupiter.api.io.TempDir Path dir) throws java.io.IOException {
        Path rules = dir.resolve("gre.yaml");
        java.nio.file.Files.writeString(rules, """
                rules:
                  - {name: blocked-in-22, gre_key: 22, host: blocked.example.org, verdict: drop}
                """);
        assertEquals(0, run("explain", "--rules", rules.toString(), "--url", "http://blocked.example.org/",
                "--gre-key", "22"));
        assertTrue(out.toString().contains("  gre_key   22 (inside a GRE tunnel)\n"), out.toString());
        assertTrue(out.toString().contains("decision: drop by rule \"blocked-in-22\""), out.toString());
        out.getBuffer().setLength(0);
        assertEquals(0, run("explain", "--rules", rules.toString(), "--url", "http://blocked.example.org/"));
        assertTrue(out.toString().contains("gre_key 22 needs a packet inside a GRE tunnel; this one is not tunnelled"),
                out.toString());
        assertEquals(2, run("explain", "--rules", rules.toString(), "--gre-key", "4294967296"));
        assertTrue(err.toString().contains("--gre-key 4294967296 is out of range, expected 0..4294967295"), err.toString());
    }

    @Test
    void showsTheNormalisedFactsAndTheEarlierRuleThatMissedByLetterCase() {
        assertEquals(0, run("explain", "--rules", RULES, "--url", "http://WWW.Example.COM.:80//a/../app2/%78?q=1",
                "--src", "10.99.1.2"));
        assertEquals(lines(
                "facts, as nfqwall sees them:",
                "  src       10.99.1.2",
                "  dst       0.0.0.0 (not given)",
                "  sport     0 (not given)",
                "  dport     80 (from the URL)",
                "  protocol  http",
                "  host      www.example.com",
                "  method    GET",
                "  path      /app2/x",
                "  query     q=1",
                "before inspection: not decided: rule \"app2\" (line 9) is the first whose addresses and ports hold, "
                        + "and it also tests host and path, so the flow is inspected",
                "decision: accept by default: no rule matches",
                "close calls (earlier rules that came close):",
                "  line 9 rule \"app2\": host matches \"*.example.com\"; path \"/app2/x\" does not match \"/APP2*\" "
                        + "(globs are case-sensitive)",
                "  line 13 rule \"lan-video\": src matches 10.99.1.0/24; method matches GET; "
                        + "host \"www.example.com\" does not match \"video.example.org\""), out.toString());
        assertEquals("", err.toString());
    }

    @Test
    void saysWhenTheFlowIsDecidedOnAddressesAlone() {
        assertEquals(0, run("explain", "--rules", RULES, "--src", "10.99.1.2", "--dst", "10.99.2.2", "--dport", "22",
                "--sport", "40000"));
        assertEquals(lines(
                "facts, as nfqwall sees them:",
                "  src       10.99.1.2",
                "  dst       10.99.2.2",
                "  sport     40000",
                "  dport     22",
                "  protocol  unknown",
                "  inspected nothing that names a host, path or method",
                "before inspection: decided at the first packet, on addresses and ports alone, by rule \"ssh\" ("
                        + RULES + ":6:5): drop",
                "decision: drop by rule \"ssh\" (" + RULES + ":6:5)",
                "  dport matches 22",
                "close calls (earlier rules that came close): none"), out.toString());
    }

    @Test
    void httpsToAnAddressIsAClientHelloWithoutServerName() {
        assertEquals(0, run("explain", "--rules", RULES, "--url", "https://10.99.2.2:8443/x", "--alpn", "h2",
                "--alpn", "http/1.1"));
        assertEquals(lines(
                "facts, as nfqwall sees them:",
                "  src       0.0.0.0 (not given)",
                "  dst       10.99.2.2 (from the URL)",
                "  sport     0 (not given)",
                "  dport     8443 (from the URL)",
                "  protocol  tls",
                "  host      none: the ClientHello has no server name (clients send none for an IP address)",
                "  alpn      h2, http/1.1",
                "  ech       no",
                "  path      none: inside TLS, HTTPS is judged by its server name",
                "before inspection: not decided: rule \"app2\" (line 9) is the first whose addresses and ports hold, "
                        + "and it also tests host and path, so the flow is inspected",
                "decision: reject by rule \"no-sni\" (" + RULES + ":18:5)",
                "  tls matches {sni: none}: the ClientHello has no server name and no ECH",
                "close calls (earlier rules that came close): none"), out.toString());
    }

    @Test
    void namesTheFailedConditionOfAMarkRule() {
        assertEquals(0, run("explain", "--rules", RULES, "--url", "http://VIDEO.example.org./movie.mp4",
                "--src", "10.99.1.7", "--method", "post"));
        assertTrue(out.toString().endsWith(lines(
                "decision: accept by default: no rule matches",
                "close calls (earlier rules that came close):",
                "  line 13 rule \"lan-video\": src matches 10.99.1.0/24; method post is not any of GET, HEAD; "
                        + "host matches \"video.example.org\"")), out.toString());
        out.getBuffer().setLength(0);
        assertEquals(0, run("explain", "--rules", RULES, "--url", "http://video.example.org/m", "--src", "10.99.1.7"));
        assertTrue(out.toString().contains(lines(
                "decision: mark 0x6 by rule \"lan-video\" (" + RULES + ":13:5)",
                "  src matches 10.99.1.0/24",
                "  method matches GET",
                "  host matches \"video.example.org\"")), out.toString());
    }

    @Test
    void sniOnATlsFlow() {
        assertEquals(0, run("explain", "--rules", RULES, "--sni", "A.Example.com", "--protocol", "quic"));
        assertTrue(out.toString().contains("  protocol  quic (UDP)\n  host      a.example.com (the server name)\n"),
                out.toString());
        assertTrue(out.toString().contains("line 9 rule \"app2\": host matches \"*.example.com\"; no path (a ClientHello "
                + "has none: HTTPS is judged by its server name)"), out.toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--url ftp://x/",
        "--url http://fd00::1/",
        "--url http://a.org:99999/",
        "--sni a.org --no-sni",
        "--url http://a.org/ --sni a.org",
        "--url http://a.org/ --alpn h2",
        "--url http://a.org/ --protocol tls",
        "--sni a.org --method GET",
        "--sni bad..name",
        "--protocol gopher",
        "--src 10.0.0.0/8",
        "--src 10.0.0.1 --dst fd00::1",
        "--dport 70000",
    })
    void badFactsAreUsageErrors(String options) {
        String[] opts = options.trim().split(" +");
        String[] args = new String[opts.length + 3];
        args[0] = "explain";
        args[1] = "--rules";
        args[2] = RULES;
        System.arraycopy(opts, 0, args, 3, opts.length);
        assertEquals(2, run(args));
        assertTrue(err.toString().contains("Usage: nfqwall explain"), err.toString());
    }

    @Test
    void aBadRulesFileExitsOneWithItsErrors() {
        assertEquals(1, run("explain", "--rules", "rules/test/bad-values.yaml", "--url", "http://a.org/"));
        assertTrue(err.toString().startsWith("rules/test/bad-values.yaml:"), err.toString());
        assertEquals("", out.toString());
    }

    /** The deciding rule is what RuleSet.match returns for facts built here by hand. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "http://www.example.com/APP2/x     | GET  | www.example.com   | /APP2/x    | app2",
        "http://www.example.com/APP1/x     | GET  | www.example.com   | /APP1/x    | app1",
        "http://www.example.com/app2/x     | GET  | www.example.com   | /app2/x    | ",
        "http://example.com/APP2/x         | GET  | example.com       | /APP2/x    | ",
        "http://ads.example.net/banner.js  | GET  | ads.example.net   | /banner.js | ads",
        "http://video.example.org/m.mp4    | HEAD | video.example.org | /m.mp4     | video",
        "http://video.example.org/m.mp4    | POST | video.example.org | /m.mp4     | ",
        "http://blocked.example.org/       | GET  | blocked.example.org | /        | blocked-site",
    })
    void decidesLikeRuleSetMatchOnTheExample(String url, String method, String host, String path, String expected)
            throws Exception {
        assertEquals(0, run("explain", "--rules", "rules/example.yaml", "--url", url, "--method", method,
                "--src", "10.99.1.2", "--dst", "10.99.2.2", "--sport", "40000"));
        Facts f = new Facts();
        f.l4Protocol = 6;
        f.ipVersion = 4;
        f.setSourceIpv4(10 << 24 | 99 << 16 | 1 << 8 | 2);
        f.setDestinationIpv4(10 << 24 | 99 << 16 | 2 << 8 | 2);
        f.srcPort = 40000;
        f.dstPort = 80;
        f.applicationKnown = true;
        f.protocol = Protocol.HTTP;
        f.method = method;
        f.path = path;
        f.addHost(host);
        RuleSet rules = RulesLoader.load(Path.of("rules/example.yaml")).ruleSet();
        int index = rules.match(f);
        String byMatch = index == RuleSet.NO_MATCH ? null : rules.rule(index).name();
        Matcher m = DECISION.matcher(out.toString());
        assertTrue(m.find(), out.toString());
        assertEquals(byMatch, m.group(2), out.toString());
        assertEquals(expected, byMatch);
    }

    @Test
    void helpListsTheFactOptions() {
        assertEquals(0, run("explain", "--help"));
        for (String option : new String[] {"--url", "--sni", "--src", "--dst", "--dport", "--sport", "--method",
            "--protocol", "--alpn", "--no-sni", "--ech"}) {
            assertTrue(out.toString().contains(option), option);
        }
    }
}
