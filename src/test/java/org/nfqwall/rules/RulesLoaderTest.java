package org.nfqwall.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesLoaderTest {
    private static final String FIXTURES = "rules/test/";

    private static List<String> errorsOf(String fixture) {
        RuleLoadResult r = RulesLoader.load(Path.of(FIXTURES + fixture));
        assertFalse(r.ok(), "expected errors in " + fixture);
        assertNull(r.ruleSet());
        return r.errors().stream().map(RuleError::toString).toList();
    }

    private static List<String> errorsOfText(String yaml) {
        RuleLoadResult r = RulesLoader.parse("t.yaml", yaml);
        assertFalse(r.ok(), "expected errors");
        assertNull(r.ruleSet());
        return r.errors().stream().map(RuleError::toString).toList();
    }

    private static RuleSet load(String yaml) {
        RuleLoadResult r = RulesLoader.parse("t.yaml", yaml);
        assertEquals(List.of(), r.errors());
        return r.ruleSet();
    }

    @Test
    void loadsExampleFile() {
        RuleLoadResult r = RulesLoader.load(Path.of("rules/example.yaml"));
        assertEquals(List.of(), r.errors());
        assertTrue(r.ok());
        RuleSet rs = r.ruleSet();
        assertEquals("10 rules, 2 groups, 1 mark, 10 list entries from 2 files (3 AdBlock lines skipped),"
                + " default accept", rs.summary());
        assertEquals("rules/example.yaml", rs.source());
        assertEquals(Verdict.ACCEPT, rs.defaultVerdict());
        assertEquals(MarkBits.USER_MASK, rs.markMask());
        assertEquals(List.of("10.99.1.0/24", "fd99:1::/64", "192.168.1.0/24"), rs.groups().get("lan"));
        assertEquals(6, rs.marks().get("shaped"));
        String[] names = {"app1", "app2", "ads", "video", "blocked-site", "quic", "no-sni", "bittorrent", "ads-list"};
        Verdict[] verdicts = {Verdict.ACCEPT, Verdict.DROP, Verdict.REJECT, Verdict.MARK, Verdict.DROP, Verdict.DROP,
            Verdict.DROP, Verdict.DROP, Verdict.REJECT};
        int[] lines = {25, 30, 36, 41, 49, 54, 62, 67, 74};
        for (int i = 0; i < names.length; i++) {
            assertEquals(names[i], rs.rule(i).name());
            assertEquals(verdicts[i], rs.rule(i).verdict());
            assertEquals(lines[i], rs.rule(i).line());
            assertEquals(5, rs.rule(i).column());
            assertTrue(rs.rule(i).needsInspection());
        }
        Rule video = rs.rule(3);
        assertEquals(6, video.mark());
        assertEquals("shaped", video.markName());
        assertEquals(List.of("video.example.org"), video.hostPatterns());
        assertEquals(List.of("GET", "HEAD"), video.methods());
        assertEquals(List.of("10.99.1.0/24", "fd99:1::/64", "192.168.1.0/24"), video.sources());
        assertEquals(0, rs.rule(0).mark());
        assertEquals(List.of("*.example.com"), rs.rule(1).hostPatterns());
        assertEquals(List.of("/APP2*"), rs.rule(1).pathGlobs());
        assertEquals(Set.of(Protocol.QUIC), rs.rule(5).protocols());
        assertEquals(new TlsCondition(TlsCondition.Presence.ABSENT, TlsCondition.Presence.ANY), rs.rule(6).tls());
        assertEquals(Set.of(Protocol.BITTORRENT), rs.rule(7).protocols());
    }

    @Test
    void appliesDefaultsWhenKeysAreLeftOut() {
        RuleSet rs = load("rules: []\n");
        assertEquals(Verdict.ACCEPT, rs.defaultVerdict());
        assertEquals(MarkBits.USER_MASK, rs.markMask());
        assertEquals("0 rules, 0 groups, 0 marks, default accept", rs.summary());
        assertEquals("0 rules, 0 groups, 0 marks, default drop", load("default: drop\n").summary());
        assertEquals(0, load("groups:\nmarks:\nrules:\n").size());
    }

    @Test
    void readsEveryConditionAndValueForm() {
        RuleSet rs = load("""
                mark_mask: 0xff
                rules:
                  - name: all
                    src: [10.0.0.0/8, "fd00::/8"]
                    dst: 192.0.2.1
                    sport: "1024-65535"
                    dport: [80, 8000-8080]
                    protocol: HTTP
                    method: [get, Post]
                    host: ["WWW.Example.com.", "[FD00::1]"]
                    path: ["/a*", "*.php"]
                    alpn: [h2, "http/1.1", H2]
                    tls: {sni: Present, ech: FALSE}
                    verdict: {mark: 17}
                  - name: nothing
                    verdict: reject
                """);
        Rule r = rs.rule(0);
        assertEquals(0xff, rs.markMask());
        assertEquals(List.of("10.0.0.0/8", "fd00::/8"), r.sources());
        assertEquals(List.of("192.0.2.1/32"), r.destinations());
        assertEquals(List.of(new PortRange(1024, 65535)), r.sourcePorts());
        assertEquals(List.of(new PortRange(80, 80), new PortRange(8000, 8080)), r.destinationPorts());
        assertEquals("8000-8080", r.destinationPorts().get(1).toString());
        assertEquals(Set.of(Protocol.HTTP), r.protocols());
        assertEquals(List.of("GET", "POST"), r.methods());
        assertEquals(List.of("www.example.com", "fd00::1"), r.hostPatterns());
        assertEquals(List.of("/a*", "*.php"), r.pathGlobs());
        assertEquals(List.of("h2", "http/1.1", "H2"), r.alpns());
        assertEquals(new TlsCondition(TlsCondition.Presence.PRESENT, TlsCondition.Presence.ABSENT), r.tls());
        assertEquals("{sni: present, ech: false}", r.tls().text());
        assertEquals(Verdict.MARK, r.verdict());
        assertEquals(17, r.mark());
        assertNull(r.markName());
        assertFalse(rs.rule(1).needsInspection());
        assertEquals(List.of(), rs.rule(1).sources());
        assertEquals(List.of(), rs.rule(1).alpns());
        assertNull(rs.rule(1).tls());
    }

    @Test
    void readsEachTlsPartAlone() {
        RuleSet rs = load("""
                rules:
                  - {name: no-sni, tls: {sni: none}, verdict: drop}
                  - {name: ech, tls: {ech: true}, verdict: drop}
                  - {name: one-alpn, alpn: acme-tls/1, verdict: drop}
                """);
        assertEquals(new TlsCondition(TlsCondition.Presence.ABSENT, TlsCondition.Presence.ANY), rs.rule(0).tls());
        assertEquals("{sni: none}", rs.rule(0).tls().text());
        assertEquals(new TlsCondition(TlsCondition.Presence.ANY, TlsCondition.Presence.PRESENT), rs.rule(1).tls());
        assertEquals("{ech: true}", rs.rule(1).tls().text());
        assertEquals(List.of("acme-tls/1"), rs.rule(2).alpns());
        assertEquals(Set.of(), rs.rule(2).protocols());
        assertNull(rs.rule(2).tls());
    }

    @Test
    void reportsYamlSyntaxErrorAtItsPositionAndStops() {
        assertEquals(List.of("rules/test/syntax-error.yaml:5:4: YAML syntax error: expected <block end>, but found"
                + " '<block mapping start>' (while parsing a block collection at line 3); expected valid YAML:"
                + " check indentation, colons and quotes"), errorsOf("syntax-error.yaml"));
    }

    @Test
    void reportsTabIndentation() {
        List<String> errors = errorsOfText("rules:\n\t- name: x\n");
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).startsWith("t.yaml:2:1: YAML syntax error: "), errors.get(0));
    }

    @Test
    void reportsEmptyFile() {
        assertEquals(List.of("rules/test/empty.yaml:1:1: the file is empty, expected a mapping with keys default,"
                + " mark_mask, groups, marks, rules"), errorsOf("empty.yaml"));
    }

    @Test
    void reportsRootThatIsNotAMapping() {
        assertEquals(List.of("t.yaml:1:1: expected a mapping with keys default, mark_mask, groups, marks, rules,"
                + " got a list"), errorsOfText("- name: x\n"));
    }

    @Test
    void reportsUnknownKeysNamingTheAllowedOnes() {
        assertEquals(List.of(
                "rules/test/unknown-keys.yaml:2:1: unknown key \"rule\", expected one of: default, mark_mask, groups,"
                        + " marks, rules",
                "rules/test/unknown-keys.yaml:6:5: unknown key \"hosts\" in a rule, expected one of: name, src, dst,"
                        + " sport, dport, protocol, method, host, host_file, path, path_file, alpn, tls, host_regex, path_regex, gre_key,"
                        + " verdict",
                "rules/test/unknown-keys.yaml:9:26: unknown key \"extra\" in a verdict, expected one of: mark"),
                errorsOf("unknown-keys.yaml"));
    }

    @Test
    void reportsDuplicateKeysWithTheFirstLine() {
        assertEquals(List.of(
                "rules/test/duplicate-keys.yaml:4:3: duplicate key \"lan\" (first at line 3), expected each key once",
                "rules/test/duplicate-keys.yaml:8:5: duplicate key \"host\" (first at line 7), expected each key once",
                "rules/test/duplicate-keys.yaml:10:1: duplicate key \"default\" (first at line 1), expected each key"
                        + " once"),
                errorsOf("duplicate-keys.yaml"));
    }

    @Test
    void reportsWrongTypes() {
        assertEquals(List.of(
                "rules/test/wrong-types.yaml:1:10: expected accept or drop, got a list",
                "rules/test/wrong-types.yaml:2:9: expected a mapping of group names to address lists, got a list",
                "rules/test/wrong-types.yaml:4:11: expected a mark number (decimal or 0x hex) or {value: NUMBER, ...}, got a list",
                "rules/test/wrong-types.yaml:7:11: expected a string or a list of strings, got a mapping",
                "rules/test/wrong-types.yaml:8:16: expected a string, got a list",
                "rules/test/wrong-types.yaml:9:11: expected a port, a range \"a-b\" or a list of them, got an empty"
                        + " value",
                "rules/test/wrong-types.yaml:11:5: expected a rule (a mapping with name, conditions and verdict),"
                        + " got \"just-a-string\"",
                "rules/test/wrong-types.yaml:12:11: expected a rule name, got a list",
                "rules/test/wrong-types.yaml:13:13: empty list, expected at least one value (leave the key out to"
                        + " match anything)",
                "rules/test/wrong-types.yaml:14:14: expected a verdict (accept, drop, reject or {mark: NAME or"
                        + " NUMBER}), got a list"),
                errorsOf("wrong-types.yaml"));
    }

    @Test
    void reportsEveryBadValueInOneFile() {
        String f = "rules/test/bad-values.yaml:";
        assertEquals(List.of(
                f + "2:22: bad address \"10.0.0.300\": not a valid IPv4 address, expected four numbers 0..255 like"
                        + " 192.168.1.10",
                f + "2:34: bad address \"fd00::/129\": prefix length 129 is out of range, expected 0..128 for IPv6",
                f + "2:48: bad address \"10.1.2.3/16\": host bits are set after the /16, expected the network"
                        + " address 10.1.0.0/16",
                f + "3:3: bad group name \"1st\", expected a letter followed by letters, digits, '-' or '_' (at"
                        + " most 64)",
                f + "6:12: bad host \"example..com\": empty label between dots, expected labels of 1..63 characters",
                f + "6:26: bad host \"*\": \"*\" alone is not a host pattern, expected \"*.name\" (leave out host:"
                        + " to match any host)",
                f + "6:31: bad host \"www.*.example.com\": '*' is only allowed as a leading \"*.\", expected a form"
                        + " like *.example.com",
                f + "6:52: bad host \"example.com:8080\": a port is not part of a host, expected the host alone"
                        + " (match ports with dport)",
                f + "6:72: bad host \"*.10.0.0.1\": \"*.\" must be followed by a name, not an IP address",
                f + "9:12: bad path glob \"APP1*\": must start with \"/\" or \"*\", expected a form like /app/*",
                f + "9:21: bad path glob \"/a[b\": unclosed \"[\" at character 3, expected \"]\" to end the class",
                f + "9:29: bad path glob \"/a[]\": empty class \"[]\" at character 3, expected at least one character"
                        + " (write \\] for a literal ])",
                f + "9:37: bad path glob \"/a\\\\\": trailing \"\\\" at character 3, expected a character after it to"
                        + " take literally",
                f + "9:45: bad path glob \"/a[z-a]\": reversed range \"z-a\" at character 4, expected the lower end"
                        + " first",
                f + "12:16: unknown group \"wan\", expected an IP address, a CIDR or one of the groups: lan",
                f + "12:21: bad address \"fd00::1::2\": \"::\" appears twice in an IPv6 address, expected it at most"
                        + " once",
                f + "13:10: bad address \"10.0.0.0/33\": prefix length 33 is out of range, expected 0..32 for IPv4",
                f + "16:17: bad port \"70000\", expected a port 0..65535, a range \"a-b\" with a <= b, or a list of"
                        + " these",
                f + "16:24: bad port range \"90-80\": 90 is greater than 80, expected \"a-b\" with a <= b",
                f + "16:33: bad port \"http\", expected a port 0..65535, a range \"a-b\" with a <= b, or a list of"
                        + " these",
                f + "17:12: bad port \"1-\", expected a port 0..65535, a range \"a-b\" with a <= b, or a list of"
                        + " these",
                f + "20:19: bad method \"GE T\": character \" \" is not allowed, expected a method token like GET or"
                        + " POST",
                f + "21:22: unknown protocol \"https\", expected one of: unknown, http, tls, quic, bittorrent"),
                errorsOf("bad-values.yaml"));
    }

    @Test
    void reportsEveryBadAlpnTlsAndProtocolValue() {
        String f = "rules/test/bad-tls.yaml:";
        String alpnForm = ", expected a protocol id like h2 or http/1.1 (printable ASCII, no spaces, at most 255)";
        String tlsForm = "sni (none or present) and/or ech (true or false)";
        String protocols = ", expected one of: unknown, http, tls, quic, bittorrent";
        assertEquals(List.of(
                f + "3:16: bad ALPN id \"h 2\": character \" \" is not allowed" + alpnForm,
                f + "3:23: bad ALPN id \"\": empty id" + alpnForm,
                f + "3:27: bad ALPN id \"caf\u00e9\": character \"\u00e9\" is not allowed" + alpnForm,
                f + "6:11: expected a string or a list of strings, got a mapping",
                f + "9:16: bad tls sni \"absent\", expected none or present",
                f + "9:29: bad tls ech \"yes\", expected true or false",
                f + "12:22: unknown key \"SNI\" in tls, expected one of: sni, ech",
                f + "12:36: unknown key \"version\" in tls, expected one of: sni, ech",
                f + "12:50: duplicate key \"sni\" (first at line 12), expected each key once",
                f + "15:10: empty tls mapping, expected " + tlsForm,
                f + "18:10: expected a mapping with " + tlsForm + ", got \"none\"",
                f + "21:16: expected none or present, got a list",
                f + "21:28: expected true or false, got an empty value",
                f + "24:39: unknown protocol \"https\"" + protocols,
                f + "24:46: unknown protocol \"http3\"" + protocols),
                errorsOf("bad-tls.yaml"));
    }

    @Test
    void reportsAlpnIdsLongerThanTheWireAllows() {
        String id = "x".repeat(256);
        assertEquals(List.of("t.yaml:3:11: bad ALPN id \"" + "x".repeat(60) + "...\": id is 256 characters long,"
                + " expected a protocol id like h2 or http/1.1 (printable ASCII, no spaces, at most 255)"),
                errorsOfText("rules:\n  - name: a\n    alpn: " + id + "\n    verdict: drop\n"));
        assertEquals(List.of("x".repeat(255)),
                load("rules:\n  - name: a\n    alpn: " + "x".repeat(255) + "\n    verdict: drop\n").rule(0).alpns());
    }

    @Test
    void reportsTlsMappingWhoseOnlyKeysAreUnknownOnce() {
        assertEquals(List.of("t.yaml:3:11: unknown key \"version\" in tls, expected one of: sni, ech"),
                errorsOfText("rules:\n  - name: a\n    tls: {version: 3}\n    verdict: drop\n"));
    }

    @Test
    void reportsBadVerdictsDefaultsAndMarks() {
        String f = "rules/test/bad-verdicts.yaml:";
        assertEquals(List.of(
                f + "1:10: bad default \"reject\", expected accept or drop",
                f + "5:8: mark 0x00001000 is outside mark_mask 0x000000ff, expected a number whose bits are all"
                        + " inside mark_mask",
                f + "6:9: bad mark 0: zero means no mark, expected a non-zero number inside mark_mask 0x000000ff",
                f + "7:9: bad mark \"six\", expected a number (decimal or 0x hex) like 0x6",
                f + "10:14: bad verdict \"allow\", expected accept, drop, reject or {mark: NAME or NUMBER}",
                f + "12:21: unknown mark \"fast\", expected a number or one of the marks: shaped, big, zero, word",
                f + "14:21: mark 0x00000100 is outside mark_mask 0x000000ff, expected a number whose bits are all"
                        + " inside mark_mask",
                f + "16:14: empty verdict mapping, expected {mark: NAME or NUMBER}",
                f + "18:14: bad verdict \"mark\", expected accept, drop, reject or {mark: NAME or NUMBER}"),
                errorsOf("bad-verdicts.yaml"));
    }

    @Test
    void reportsMissingAndDuplicateNamesAndMissingVerdicts() {
        String f = "rules/test/bad-names.yaml:";
        assertEquals(List.of(
                f + "4:5: rule has no name, expected a \"name:\" key",
                f + "6:5: rule \"no-verdict\" has no verdict, expected \"verdict:\" with accept, drop, reject or"
                        + " {mark: NAME or NUMBER}",
                f + "8:11: duplicate rule name \"app1\" (first at line 2), expected unique names",
                f + "10:11: bad rule name \"has space\": character \" \" is not allowed, expected letters, digits,"
                        + " '.', '-' or '_' (at most 64)",
                f + "12:5: rule has no name, expected a \"name:\" key",
                f + "12:5: rule has no verdict, expected \"verdict:\" with accept, drop, reject or {mark: NAME or"
                        + " NUMBER}"),
                errorsOf("bad-names.yaml"));
    }

    @Test
    void reportsMarkMaskOutsideUserBitsAndChecksMarksAgainstTheDefault() {
        String f = "rules/test/bad-mark-mask.yaml:";
        assertEquals(List.of(
                f + "1:12: bad mark_mask 0xf0000001: bits 0xf0000000 are reserved by nfqwall, expected a mask inside"
                        + " 0x0fffffff",
                f + "3:9: mark 0x10000000 is outside mark_mask 0x0fffffff, expected a number whose bits are all inside"
                        + " mark_mask"),
                errorsOf("bad-mark-mask.yaml"));
    }

    @Test
    void reportsBadMarkMaskValues() {
        assertEquals(List.of("t.yaml:1:12: bad mark_mask 0: no mark could be set, expected a non-zero mask inside"
                + " 0x0fffffff"), errorsOfText("mark_mask: 0\n"));
        assertEquals(List.of("t.yaml:1:12: bad mark_mask \"-1\", expected a number (decimal or 0x hex) like"
                + " 0x0fffffff"), errorsOfText("mark_mask: -1\n"));
    }

    @Test
    void reportsUnknownGroupWhenNoneAreDefined() {
        assertEquals(List.of("t.yaml:3:10: unknown group \"lan\", expected an IP address, a CIDR or a group defined"
                + " under groups: (none are)"),
                errorsOfText("rules:\n  - name: a\n    src: lan\n    verdict: accept\n"));
    }

    @Test
    void reportsUnknownMarkWhenNoneAreDefined() {
        assertEquals(List.of("t.yaml:3:21: unknown mark \"fast\", expected a number or a mark defined under marks:"
                + " (none are)"),
                errorsOfText("rules:\n  - name: a\n    verdict: {mark: fast}\n"));
    }

    @Test
    void sortsErrorsByPositionWhateverTheSectionOrder() {
        List<String> errors = errorsOfText("""
                rules:
                  - name: a
                    src: nowhere
                    verdict: accept
                groups:
                  bad: 300.0.0.0
                default: maybe
                """);
        assertEquals(List.of(
                "t.yaml:3:10: unknown group \"nowhere\", expected an IP address, a CIDR or one of the groups: bad",
                "t.yaml:6:8: bad address \"300.0.0.0\": not a valid IPv4 address, expected four numbers 0..255 like"
                        + " 192.168.1.10",
                "t.yaml:7:10: bad default \"maybe\", expected accept or drop"), errors);
    }

    @Test
    void reportsNonScalarKeys() {
        assertEquals(List.of("t.yaml:1:3: expected a key name, got a list"), errorsOfText("? [a]\n: b\n"));
    }

    @Test
    void reportsANodeReachedTwiceThroughAnAliasOnce() {
        List<String> errors = errorsOfText("""
                rules:
                  - name: a
                    host: &h bad..host
                    verdict: accept
                  - name: b
                    host: *h
                    verdict: accept
                """);
        assertEquals(List.of("t.yaml:3:11: bad host \"bad..host\": empty label between dots, expected labels of"
                + " 1..63 characters"), errors);
    }

    @Test
    void reportsUnreadableFilesWithTheReason(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("missing.yaml");
        assertEquals(List.of(missing + ": cannot read the rules file: no such file"),
                RulesLoader.load(missing).errors().stream().map(RuleError::toString).toList());
        assertEquals(List.of(dir + ": cannot read the rules file: it is a directory, expected a YAML file"),
                RulesLoader.load(dir).errors().stream().map(RuleError::toString).toList());
        Path binary = dir.resolve("binary.yaml");
        Files.write(binary, new byte[] {'a', ':', ' ', (byte) 0xC3, (byte) 0x28});
        assertEquals(List.of(binary + ": cannot read the rules file: it is not valid UTF-8, expected UTF-8 text"),
                RulesLoader.load(binary).errors().stream().map(RuleError::toString).toList());
    }

    @Test
    void printsErrorsWithAndWithoutPosition() {
        assertEquals("f.yaml:3:7: oops", new RuleError("f.yaml", 3, 7, "oops").toString());
        assertEquals("f.yaml: oops", new RuleError("f.yaml", 0, 0, "oops").toString());
    }

    @Test
    void resultHoldsEitherRulesOrErrors() {
        RuleSet rs = load("rules: []\n");
        assertThrows(IllegalArgumentException.class, () -> new RuleLoadResult(null, List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new RuleLoadResult(rs, List.of(new RuleError("f", 0, 0, "x"))));
    }

    @Test
    void loadsLargeFiles() {
        StringBuilder sb = new StringBuilder("rules:\n");
        for (int i = 0; i < 5_000; i++) {
            sb.append("  - name: r").append(i).append("\n    host: h").append(i).append(".example.com\n")
                    .append("    verdict: drop\n");
        }
        assertEquals(5_000, load(sb.toString()).size());
    }
}
