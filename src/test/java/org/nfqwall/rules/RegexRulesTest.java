package org.nfqwall.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code host_regex:} and {@code path_regex:}: RE2 expressions over the normalised host and path. */
class RegexRulesTest {

    private static String matched(RuleSet rs, Facts f) {
        int i = rs.match(f);
        return i == RuleSet.NO_MATCH ? "none" : rs.rule(i).name();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "ads1.example.com, r",
        "ads42.example.com, r",
        "xads1.example.com, none",
        "ads1.example.com.evil, none",
        "ads.example.com, none",
        "t.tracker.net, r",
    })
    void hostRegexMustMatchTheWholeHostAndAnyListedOneWill(String host, String expected) {
        RuleSet rs = RuleSetMatchTest.load(
                "rules:\n  - {name: r, host_regex: [\"ads[0-9]+\\\\.example\\\\.com\", \".*\\\\.tracker\\\\.net\"], verdict: drop}\n");
        assertEquals(expected, matched(rs, RuleSetMatchTest.request("GET", "/", host)));
    }

    @Test
    void hostRegexSeesTheClientHelloServerNameToo() {
        RuleSet rs = RuleSetMatchTest.load("rules:\n  - {name: r, host_regex: \"video[0-9]*\\\\.example\\\\.org\", verdict: drop}\n");
        assertEquals("r", matched(rs, RuleSetMatchTest.hello(Protocol.TLS, "video7.example.org", "h2")));
        assertEquals("none", matched(rs, RuleSetMatchTest.hello(Protocol.TLS, null, "h2")));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "/api/v1/users, r",
        "/api/v22/x, r",
        "/api/vx/users, none",
        "/API/v1/users, none",
        "/x/api/v1/users, none",
    })
    void pathRegexMustMatchTheWholePathCaseSensitively(String path, String expected) {
        RuleSet rs = RuleSetMatchTest.load("rules:\n  - {name: r, path_regex: \"/api/v[0-9]+/.*\", verdict: drop}\n");
        assertEquals(expected, matched(rs, RuleSetMatchTest.request("GET", path, "a.org")));
    }

    @Test
    void regexesAreAndedWithTheOtherConditions() {
        RuleSet rs = RuleSetMatchTest.load("""
                rules:
                  - {name: r, host: "*.example.com", host_regex: "cdn[0-9]+\\\\..*", path_regex: ".*\\\\.js", method: GET, verdict: drop}
                """);
        assertEquals("r", matched(rs, RuleSetMatchTest.request("GET", "/a/b.js", "cdn1.example.com")));
        assertEquals("none", matched(rs, RuleSetMatchTest.request("GET", "/a/b.css", "cdn1.example.com")));
        assertEquals("none", matched(rs, RuleSetMatchTest.request("GET", "/a/b.js", "www.example.com")));
        assertEquals("none", matched(rs, RuleSetMatchTest.request("GET", "/a/b.js", "cdn1.example.org")));
        assertEquals("none", matched(rs, RuleSetMatchTest.request("POST", "/a/b.js", "cdn1.example.com")));
    }

    @Test
    void regexesNeverMatchMissingFactsNorBeforeInspection() {
        RuleSet rs = RuleSetMatchTest.load("""
                rules:
                  - {name: h, host_regex: ".*", verdict: drop}
                  - {name: p, path_regex: ".*", verdict: drop}
                """);
        Facts noHostNoPath = RuleSetMatchTest.hello(Protocol.TLS, null);
        assertEquals("none", matched(rs, noHostNoPath));
        Facts request = RuleSetMatchTest.request("GET", "/x");
        assertEquals("p", matched(rs, request));
        request.applicationKnown = false;
        assertEquals("none", matched(rs, request));
        assertEquals(RuleSet.NEEDS_INSPECTION, rs.matchBeforeInspection(request));
    }

    @Test
    void rulesShowTheirRegexesAsWritten() {
        RuleSet rs = RuleSetMatchTest.load("rules:\n  - {name: r, host_regex: [\"a.*\", \"b\"], path_regex: \"/x\", verdict: drop}\n");
        assertEquals(List.of("a.*", "b"), rs.rule(0).hostRegexes());
        assertEquals(List.of("/x"), rs.rule(0).pathRegexes());
        assertEquals(List.of(), RuleSetMatchTest.load("rules:\n  - {name: r, verdict: drop}\n").rule(0).pathRegexes());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "a(b      | missing closing )",
        "a**      | invalid nested repetition operator",
        "(?<=a)b  | invalid named capture",
        "x[b-a]   | invalid character class range",
        "(a)\\1   | invalid escape sequence",
    })
    void badRegexIsReportedAtItsValueWithRe2sReason(String regex, String reason) {
        String yaml = "rules:\n  - name: r\n    path_regex: '" + regex + "'\n    verdict: drop\n";
        RuleLoadResult r = RulesLoader.parse("t.yaml", yaml);
        assertNull(r.ruleSet());
        assertEquals(1, r.errors().size(), r.errors().toString());
        assertEquals("t.yaml:3:17: bad regex " + YamlValues.quote(regex) + ": " + reason
                + ", expected a regular expression in RE2 syntax (no backreferences or lookaround)",
                r.errors().get(0).toString());
    }

    @Test
    void emptyRegexIsAnError() {
        RuleLoadResult r = RulesLoader.parse("t.yaml", "rules:\n  - {name: r, host_regex: '', verdict: drop}\n");
        assertEquals("t.yaml:2:27: bad regex \"\": empty regex, expected a regular expression in RE2 syntax",
                r.errors().get(0).toString());
    }
}
