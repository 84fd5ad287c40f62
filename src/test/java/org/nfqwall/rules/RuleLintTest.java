package org.nfqwall.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RuleLintTest {

    private static List<String> lint(String yaml) {
        RuleLoadResult r = RulesLoader.parse("t.yaml", yaml);
        assertEquals(List.of(), r.errors());
        return RuleLint.lint(r.ruleSet(), yaml).stream().map(LintWarning::toString).toList();
    }

    /** Two rules, {@code a} then {@code b}, each given as a flow mapping body such as {@code host: x}. */
    private static List<String> lintPair(String a, String b) {
        return lint("rules:\n  - {name: a, " + a + ", verdict: drop}\n  - {name: b, " + b + ", verdict: accept}\n");
    }

    private static final String B_IS_DEAD =
            "t.yaml:3:5: warning: rule \"b\" can never match: rule \"a\" (line 2) matches everything it matches";

    @Test
    void warnsAboutADuplicateWhateverTheOrderOfListEntries() {
        assertEquals(List.of("t.yaml:3:5: warning: rule \"b\" duplicates rule \"a\" (line 2): the same conditions and "
                + "the same verdict (drop), so it never matches"),
                lint("rules:\n  - {name: a, host: [a.org, b.org], dport: [80, 443], verdict: drop}\n"
                        + "  - {name: b, dport: [443, 80], host: [B.org, a.org.], verdict: drop}\n"));
    }

    @Test
    void saysWhenADuplicateHasAnotherVerdict() {
        assertEquals(List.of("t.yaml:3:5: warning: rule \"b\" duplicates rule \"a\" (line 2): the same conditions but "
                + "verdict accept instead of drop, so it never matches"), lintPair("method: [GET, post]", "method: [POST, get]"));
    }

    @ParameterizedTest(name = "{0} covers {1}")
    @CsvSource(delimiter = '|', value = {
        "host: '*.example.com'            | host: a.example.com",
        "host: '*.example.com'            | host: '*.a.example.com'",
        "host: [x.org, '*.example.com']   | host: [a.b.example.com, x.org]",
        "src: 10.0.0.0/8                  | src: [10.1.0.0/16, 10.2.3.4]",
        "src: '::/0'                      | src: 192.168.0.0/16",
        "dst: fd00::/8                    | dst: fd12:3456::/32",
        "dport: 1-1024                    | dport: [80, 443, 1000-1024]",
        "sport: [1-10, 20-30]             | sport: 25",
        "path: '/a/*'                     | path: '/a/b[0-9]*'",
        "path: '/a*'                      | path: ['/ab?', '/a']",
        "path: '*'                        | path: '/x*y'",
        "path: '/a*b'                     | path: /a/x/b",
        "path: '/a/[bc]*'                 | path: /a/b/c",
        "method: [GET, HEAD]              | method: get",
        "protocol: [tls, quic]            | protocol: tls",
        "alpn: [h2, h3]                   | alpn: h3",
        "tls: {sni: none}                 | tls: {sni: none, ech: true}",
        "dport: 80                        | 'dport: 80, host: a.org, path: /x'",
        "gre_key: [0x10-0x20, 7]          | gre_key: [16, 7, 18-32]",
        "host: a.org                      | 'host: a.org, gre_key: 22'",
    })
    void warnsAboutARuleAnEarlierOneCovers(String a, String b) {
        assertEquals(List.of(B_IS_DEAD), lintPair(a, b));
    }

    @Test
    void aRuleWithoutConditionsCoversEveryLaterRule() {
        assertEquals(List.of(B_IS_DEAD), lint("rules:\n  - {name: a, verdict: drop}\n"
                + "  - {name: b, host: a.org, verdict: accept}\n"));
    }

    @ParameterizedTest(name = "{0} does not cover {1}")
    @CsvSource(delimiter = '|', value = {
        "host: '*.b.example.com'          | host: '*.example.com'",
        "host: '*.example.com'            | host: example.com",
        "host: '*.example.com'            | host: xexample.com",
        "host: a.example.com              | host: '*.example.com'",
        "path: '/a*/x'                    | path: '/a/b/x*'",
        "path: '/a*b'                     | path: '/ab*'",
        "path: '/a/*'                     | path: '/a'",
        "path: '/A*'                      | path: '/a/x'",
        "src: 10.0.0.0/9                  | src: 10.0.0.0/8",
        "src: [10.0.0.0/9, 10.128.0.0/9]  | src: 10.0.0.0/8",
        "src: 0.0.0.0/0                   | src: fd00::/8",
        "dport: 80                        | dport: 8080",
        "dport: 80-90                     | dport: 85-95",
        "method: GET                      | method: [GET, POST]",
        "protocol: http                   | dport: 80",
        "alpn: h2                         | alpn: H2",
        "tls: {sni: none}                 | tls: {ech: true}",
        "host: a.org                      | dport: 80",
        "gre_key: 22                      | gre_key: 23",
        "gre_key: 22                      | host: a.org",
        "gre_key: 10-20                   | gre_key: 15-25",
    })
    void doesNotWarnWhenContainmentIsNotCertain(String a, String b) {
        List<String> warnings = lintPair(a, b);
        assertEquals(List.of(), warnings.stream().filter(w -> w.contains("can never match")
                || w.contains("duplicates")).toList());
    }

    @Test
    void identicalGlobsWithSpecialCharactersAreDuplicates() {
        assertEquals(1, lintPair("path: '/a?'", "path: '/a?'").size());
    }

    @Test
    void warnsAboutARuleWhoseConditionsExcludeEachOther() {
        assertEquals(List.of("t.yaml:2:5: warning: rule \"a\" can never match: path holds only for HTTP requests; "
                + "tls holds only for TLS or QUIC ClientHellos"),
                lint("rules:\n  - {name: a, path: /x, tls: {sni: present}, verdict: drop}\n"));
        assertEquals(List.of("t.yaml:2:5: warning: rule \"a\" can never match: host needs a server name, but "
                + "tls {sni: none} needs a ClientHello without one"),
                lint("rules:\n  - {name: a, host: a.org, tls: {sni: none}, verdict: drop}\n"));
        assertEquals(List.of("t.yaml:2:5: warning: rule \"a\" can never match: no flow has a src and a dst like "
                + "these: one is IPv4 and the other IPv6"),
                lint("rules:\n  - {name: a, src: 10.0.0.0/8, dst: 'fd00::/8', verdict: drop}\n"));
        assertEquals(List.of(), lint("rules:\n  - {name: a, src: '::/0', dst: 10.0.0.0/8, verdict: drop}\n"));
        assertEquals(List.of("t.yaml:2:5: warning: rule \"a\" can never match: protocol allows only quic; "
                + "method holds only for HTTP requests"),
                lint("rules:\n  - {name: a, protocol: quic, method: GET, verdict: drop}\n"));
    }

    @Test
    void warnsWhenALaterRuleOverlapsAnEarlierBroaderRuleWithAnotherVerdict() {
        assertEquals(List.of("t.yaml:3:5: warning: rule \"b\" (line 3) overlaps rule \"a\" (line 2), which decides "
                + "the overlap as drop, not accept"), lintPair("path: '/app*'", "host: a.org"));
        assertEquals(List.of("t.yaml:3:5: warning: rule \"b\" (line 3) overlaps rule \"a\" (line 2), which decides "
                + "the overlap as drop, not accept"), lintPair("src: 10.0.0.0/8, dport: 80", "src: 10.1.0.0/16"));
    }

    @ParameterizedTest(name = "{0} then {1}: no conflict")
    @CsvSource(delimiter = '|', value = {
        "host: a.org, path: /x     | host: a.org",
        "path: '/app1*'            | path: '/app2*'",
        "path: /x                  | tls: {sni: none}",
        "protocol: quic            | method: GET",
        "host: a.org               | protocol: bittorrent",
        "dport: 80                 | dport: 443",
        "src: 10.0.0.0/8           | src: 192.168.0.0/16",
        "tls: {sni: none}          | tls: {sni: present}",
        "path: '/a*b'              | path: '/a*c'",
        "src: 10.0.0.0/8           | dst: 'fd00::/8'",
        "dst: 'fd00::1'            | src: 10.1.2.3",
    })
    void doesNotWarnWhenTheOverlapIsNotCertainOrTheLaterRuleIsBroader(String a, String b) {
        assertEquals(List.of(), lintPair(a, b));
    }

    @Test
    void noConflictWhenTheVerdictIsTheSame() {
        assertEquals(List.of(), lint("rules:\n  - {name: a, path: '/app*', verdict: drop}\n"
                + "  - {name: b, host: a.org, verdict: drop}\n"));
    }

    @Test
    void warnsAboutUnusedGroupsAndMarksAtTheirDefinition() {
        assertEquals(List.of(
                "t.yaml:3:3: warning: group \"unused\" is never used: no rule names it in src or dst",
                "t.yaml:6:3: warning: mark \"spare\" is never used: no rule's verdict is {mark: spare}"),
                lint("groups:\n  lan: 10.0.0.0/8\n  unused: [192.168.0.0/16]\nmarks:\n  shaped: 0x6\n  spare: 0x8\n"
                        + "rules:\n  - {name: a, src: [lan], verdict: {mark: shaped}}\n"
                        + "  - {name: b, src: 192.168.0.0/16, verdict: {mark: 0x8}}\n"));
    }

    @Test
    void aGroupUsedInDstCounts() {
        assertEquals(List.of(), lint("groups:\n  servers: 10.0.0.0/8\nrules:\n  - {name: a, dst: servers, verdict: drop}\n"));
    }

    @Test
    void aShadowedRuleIsNotAlsoReportedAsAConflict() {
        assertEquals(List.of(B_IS_DEAD), lintPair("host: '*.org'", "host: a.org, path: /x"));
    }

    @Test
    void aDeadRuleDecidesNothingSoItConflictsWithNothing() {
        List<String> w = lint("rules:\n  - {name: a, host: '*.org', verdict: drop}\n"
                + "  - {name: b, host: a.org, verdict: accept}\n  - {name: c, path: /x, verdict: reject}\n");
        assertEquals(List.of(B_IS_DEAD, "t.yaml:4:5: warning: rule \"c\" (line 4) overlaps rule \"a\" (line 2), which "
                + "decides the overlap as drop, not reject"), w);
    }

    @Test
    void theExampleFileHasOnlyItsIntendedOverlaps() throws Exception {
        RuleLoadResult r = RulesLoader.load(Path.of("rules/example.yaml"));
        List<LintWarning> w = RuleLint.lint(r.ruleSet(), Path.of("rules/example.yaml"));
        assertEquals(List.of(), w.stream().filter(x -> x.message().contains("never")).toList());
    }

    @Test
    void aCleanFileHasNoWarnings() {
        assertEquals(List.of(), lint("groups:\n  lan: 10.0.0.0/8\nrules:\n"
                + "  - {name: a, host: a.org, path: '/x*', verdict: drop}\n"
                + "  - {name: b, host: a.org, verdict: accept}\n"
                + "  - {name: c, src: lan, protocol: bittorrent, verdict: drop}\n"));
    }
}
