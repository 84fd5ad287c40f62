package org.nfqwall.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ListFilesTest {
    @TempDir
    Path dir;
    private Path rulesFile;

    @BeforeEach
    void setUp() throws IOException {
        Files.createDirectories(dir.resolve("lists"));
        rulesFile = dir.resolve("rules.yaml");
    }

    private Path list(String name, String... lines) throws IOException {
        return Files.writeString(dir.resolve("lists").resolve(name), String.join("\n", lines) + "\n");
    }

    private RuleLoadResult loadRules(String yaml) throws IOException {
        Files.writeString(rulesFile, yaml);
        return RulesLoader.load(rulesFile);
    }

    private RuleSet loadOk(String yaml) throws IOException {
        RuleLoadResult r = loadRules(yaml);
        assertEquals(List.of(), r.errors().stream().map(RuleError::toString).toList());
        return r.ruleSet();
    }

    private List<String> errors(String yaml) throws IOException {
        RuleLoadResult r = loadRules(yaml);
        assertFalse(r.ok(), "expected errors");
        assertNull(r.ruleSet());
        return r.errors().stream().map(RuleError::toString).toList();
    }

    /** Host patterns of the only rule, reading {@code lists/hosts.txt} made of these lines. */
    private List<String> hostsFrom(String... lines) throws IOException {
        list("hosts.txt", lines);
        return loadOk("rules:\n  - {name: r, host_file: lists/hosts.txt, verdict: drop}\n").rule(0).hostPatterns();
    }

    private String listPath(String name) {
        return dir.resolve("lists/" + name).toString();
    }

    @Test
    void readsPlainHostsInHostSyntaxNormalised() throws IOException {
        assertEquals(List.of("ads.example.net", "*.tracker.example", "fd00::1", "10.1.2.3", "www.example.com"),
                hostsFrom("ads.example.net", "*.Tracker.EXAMPLE", "[FD00:0::1]", "10.1.2.3", "WWW.Example.COM."));
    }

    @Test
    void ignoresBlankLinesAndWholeLineAndTrailingComments() throws IOException {
        assertEquals(List.of("a.example", "b.example", "c.example"),
                hostsFrom("# a comment", "", "   ", "a.example # trailing", "\tb.example\t#tab then comment",
                        "  # indented comment", "c.example   ", "##########"));
    }

    @Test
    void readsHostsFileLinesTakingTheNamesAndSkippingLocalNames() throws IOException {
        assertEquals(List.of("ads.example", "pixel.example", "tracker.example", "v6.example", "ip.example"),
                hostsFrom("127.0.0.1 localhost localhost.localdomain", "::1 ip6-localhost ip6-loopback",
                        "255.255.255.255 broadcasthost", "0.0.0.0 0.0.0.0", "0.0.0.0 ads.example",
                        "0.0.0.0\tpixel.example   tracker.example # two names", ":: v6.example",
                        "192.0.2.1 ip.example local localhost6"));
    }

    @Test
    void readsAdBlockDomainAsTheDomainAndItsSubdomains() throws IOException {
        assertEquals(List.of("ads.example", "*.ads.example", "pop.example", "*.pop.example", "10.0.0.1", "end.example",
                "*.end.example"),
                hostsFrom("||ads.example^", "||Pop.Example^$important,document", "||10.0.0.1^", "||end.example^|"));
    }

    @Test
    void ignoresAdBlockHeadersAndCommentsWithoutCountingThem() throws IOException {
        list("hosts.txt", "[Adblock Plus 2.0]", "! Title: test", "!", "[uBlock Origin]", "||ads.example^");
        RuleSet rs = loadOk("rules:\n  - {name: r, host_file: lists/hosts.txt, verdict: drop}\n");
        assertEquals(List.of("ads.example", "*.ads.example"), rs.rule(0).hostPatterns());
        assertEquals("1 rule, 0 groups, 0 marks, 1 list entry from 1 file, default accept", rs.summary());
    }

    @Test
    void skipsAndCountsOtherAdBlockSyntax() throws IOException {
        list("hosts.txt", "||ok.example^", "@@||ok.example^$document", "example.com##.banner", "##.ad",
                "example.com#@#.ad", "/banner[0-9]+/", "|http://example.com/ad", "||third.example^$third-party",
                "||path.example/ads/*", "||nocaret.example", "||wild*.example^", "&ad_type=", "-ad-banner.",
                ".example.com/ads/", "ads.example$script");
        RuleSet rs = loadOk("rules:\n  - {name: r, host_file: lists/hosts.txt, verdict: drop}\n");
        assertEquals(List.of("ok.example", "*.ok.example"), rs.rule(0).hostPatterns());
        // "##.ad" starts with '#': a comment, not counted.
        assertEquals("1 rule, 0 groups, 0 marks, 1 list entry from 1 file (13 AdBlock lines skipped), default accept",
                rs.summary());
    }

    @Test
    void keepsABracketedIpv6HostApartFromAnAdBlockHeader() throws IOException {
        assertEquals(List.of("fd00::1"), hostsFrom("[fd00::1]"));
    }

    @Test
    void readsWindowsLineEndsAndAByteOrderMark() throws IOException {
        Files.write(dir.resolve("lists/hosts.txt"),
                "\uFEFFa.example\r\n0.0.0.0 b.example\r\n||c.example^\r\n".getBytes(StandardCharsets.UTF_8));
        RuleSet rs = loadOk("rules:\n  - {name: r, host_file: lists/hosts.txt, verdict: drop}\n");
        assertEquals(List.of("a.example", "b.example", "c.example", "*.c.example"), rs.rule(0).hostPatterns());
    }

    @Test
    void readsALastLineWithoutLineEnd() throws IOException {
        Files.writeString(dir.resolve("lists/hosts.txt"), "a.example\nb.example");
        RuleSet rs = loadOk("rules:\n  - {name: r, host_file: lists/hosts.txt, verdict: drop}\n");
        assertEquals(List.of("a.example", "b.example"), rs.rule(0).hostPatterns());
    }

    @Test
    void removesDuplicatesWithinAndAcrossListsAndInlineHosts() throws IOException {
        list("a.txt", "x.example", "X.example.", "0.0.0.0 x.example y.example", "||z.example^");
        list("b.txt", "y.example", "z.example", "*.z.example");
        RuleSet rs = loadOk("rules:\n  - name: r\n    host: [x.example, w.example]\n"
                + "    host_file: [lists/a.txt, lists/b.txt]\n    verdict: drop\n");
        assertEquals(List.of("x.example", "w.example", "y.example", "z.example", "*.z.example"),
                rs.rule(0).hostPatterns());
        // Entries are counted as read, before duplicates are removed.
        assertEquals("1 rule, 0 groups, 0 marks, 8 list entries from 2 files, default accept", rs.summary());
    }

    @Test
    void matchesHostsFromAListOrTheInlineHostsOfTheSameRule() throws IOException {
        list("ads.txt", "banners.example", "0.0.0.0 pixel.example", "||adserver.example^");
        RuleSet rs = loadOk("rules:\n  - name: ads\n    host: inline.example\n    host_file: lists/ads.txt\n"
                + "    verdict: reject\n");
        for (String host : new String[] {"banners.example", "pixel.example", "adserver.example", "a.adserver.example",
            "a.b.adserver.example", "inline.example"}) {
            assertEquals(0, rs.match(RuleSetMatchTest.request("GET", "/", host)), host);
        }
        for (String host : new String[] {"x.banners.example", "notadserver.example", "adserver.example.org",
            "example"}) {
            assertEquals(RuleSet.NO_MATCH, rs.match(RuleSetMatchTest.request("GET", "/", host)), host);
        }
    }

    @Test
    void readsPathGlobListsTogetherWithInlinePaths() throws IOException {
        list("paths.txt", "# admin areas", "/admin/*", "*.php   # scripts", "/admin/*", "[Adblock Plus 2.0]",
                "! comment", "||example.com/ads^", "@@/ok/*", "/a/##b");
        RuleSet rs = loadOk("rules:\n  - {name: r, path: /x, path_file: lists/paths.txt, verdict: drop}\n");
        assertEquals(List.of("/x", "/admin/*", "*.php"), rs.rule(0).pathGlobs());
        assertEquals(0, rs.match(RuleSetMatchTest.request("GET", "/admin/users", "h.example")));
        assertEquals(0, rs.match(RuleSetMatchTest.request("GET", "/index.php", "h.example")));
        assertEquals(RuleSet.NO_MATCH, rs.match(RuleSetMatchTest.request("GET", "/index.html", "h.example")));
        assertEquals("1 rule, 0 groups, 0 marks, 3 list entries from 1 file (3 AdBlock lines skipped),"
                + " default accept", rs.summary());
    }

    @Test
    void readsGroupMembersFromCidrFilesAloneOrMixedWithEntries() throws IOException {
        list("bad.txt", "# drop list", "192.0.2.0/24 ; SBL1", "; whole-line semicolon comment",
                "2001:db8::/32 # doc prefix", "198.51.100.7", "192.0.2.0/24");
        list("more.txt", "203.0.113.0/24");
        RuleSet rs = loadOk("groups:\n  bad: {cidr_file: lists/bad.txt}\n"
                + "  mixed: [10.0.0.0/8, {cidr_file: [lists/more.txt, lists/bad.txt]}, 10.0.0.0/8]\n"
                + "rules:\n  - {name: r, src: bad, verdict: drop}\n");
        assertEquals(List.of("192.0.2.0/24", "2001:db8::/32", "198.51.100.7/32"), rs.groups().get("bad"));
        assertEquals(List.of("10.0.0.0/8", "203.0.113.0/24", "192.0.2.0/24", "2001:db8::/32", "198.51.100.7/32"),
                rs.groups().get("mixed"));
        assertEquals(0, rs.match(RuleSetMatchTest.flow("192.0.2.9", "10.99.2.2", 1000, 80)));
        assertEquals(0, rs.match(RuleSetMatchTest.flow("2001:db8::5", "fd99:2::2", 1000, 80)));
        assertEquals(RuleSet.NO_MATCH, rs.match(RuleSetMatchTest.flow("198.51.100.8", "10.99.2.2", 1000, 80)));
        assertEquals("1 rule, 2 groups, 0 marks, 5 list entries from 2 files, default accept", rs.summary());
    }

    @Test
    void reportsEachBadHostLineAsFileAndLine() throws IOException {
        list("hosts.txt", "ok.example", "bad..example", "two words.example", "0.0.0.300 x.example",
                "0.0.0.0 ok2.example bad_name!.example", "www.*.example", "example.com:8080", "*");
        String f = listPath("hosts.txt") + ":";
        assertEquals(List.of(
                f + "2: bad host \"bad..example\": empty label between dots, expected labels of 1..63 characters",
                f + "3: several words in \"two words.example\", expected one host per line, or a hosts-file line"
                        + " \"ADDRESS NAME...\"",
                f + "4: bad address \"0.0.0.300\" at the start of a hosts-file line: not a valid IPv4 address,"
                        + " expected four numbers 0..255 like 192.168.1.10",
                f + "5: bad host \"bad_name!.example\": character \"!\" is not allowed, expected letters, digits,"
                        + " '-', '_' and dots",
                f + "6: bad host \"www.*.example\": '*' is only allowed as a leading \"*.\", expected a form like"
                        + " *.example.com",
                f + "7: bad host \"example.com:8080\": a port is not part of a host, expected the host alone (match"
                        + " ports with dport)",
                f + "8: bad host \"*\": \"*\" alone is not a host pattern, expected \"*.name\" (leave out host: to"
                        + " match any host)"),
                errors("rules:\n  - {name: r, host_file: lists/hosts.txt, verdict: drop}\n"));
    }

    @Test
    void reportsBadPathAndCidrLinesAsFileAndLine() throws IOException {
        list("paths.txt", "/ok", "admin/*", "/a b", "/a[b");
        list("nets.txt", "10.0.0.0/8", "10.1.2.3/16", "fd00::/129", "10.0.0.1 10.0.0.2", "bad");
        String p = listPath("paths.txt") + ":";
        String n = listPath("nets.txt") + ":";
        assertEquals(List.of(
                n + "2: bad address \"10.1.2.3/16\": host bits are set after the /16, expected the network address"
                        + " 10.1.0.0/16",
                n + "3: bad address \"fd00::/129\": prefix length 129 is out of range, expected 0..128 for IPv6",
                n + "4: several words in \"10.0.0.1 10.0.0.2\", expected one address or CIDR per line",
                n + "5: bad address \"bad\": not a valid IPv4 address, expected four numbers 0..255 like"
                        + " 192.168.1.10",
                p + "2: bad path glob \"admin/*\": must start with \"/\" or \"*\", expected a form like /app/*",
                p + "3: several words in \"/a b\", expected one path glob per line (a space in a path is written"
                        + " %20)",
                p + "4: bad path glob \"/a[b\": unclosed \"[\" at character 3, expected \"]\" to end the class"),
                errors("groups:\n  nets: {cidr_file: lists/nets.txt}\n"
                        + "rules:\n  - {name: r, src: nets, path_file: lists/paths.txt, verdict: drop}\n"));
    }

    @Test
    void reportsInvalidUtf8InAnEntryButNotInAComment() throws IOException {
        Files.write(dir.resolve("lists/hosts.txt"), new byte[] {'#', ' ', (byte) 0xE9, '\n', 'a', (byte) 0xE9, '\n',
            'b', '.', 'e', 'x', '\n'});
        assertEquals(List.of(listPath("hosts.txt") + ":2: bad host \"a\uFFFD\": the file is not valid UTF-8 here,"
                + " expected UTF-8 (or ASCII) text"),
                errors("rules:\n  - {name: r, host_file: lists/hosts.txt, verdict: drop}\n"));
    }

    @Test
    void reportsALineLongerThanTheLimitWithoutReadingItWhole() throws IOException {
        String longLine = "a".repeat(ListFiles.MAX_LINE_LENGTH + 1);
        list("hosts.txt", "a.example", longLine, "b.example");
        assertEquals(List.of(listPath("hosts.txt") + ":2: line is " + (ListFiles.MAX_LINE_LENGTH + 1)
                + " characters long, expected at most " + ListFiles.MAX_LINE_LENGTH),
                errors("rules:\n  - {name: r, host_file: lists/hosts.txt, verdict: drop}\n"));
    }

    @Test
    void listsAtMostAHundredErrorsAFileThenTheTotal() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            lines.add("bad..host" + i);
        }
        list("hosts.txt", lines.toArray(new String[0]));
        List<String> errors = errors("rules:\n  - {name: r, host_file: lists/hosts.txt, verdict: drop}\n");
        assertEquals(101, errors.size());
        assertEquals(listPath("hosts.txt") + ":100: bad host \"bad..host99\": empty label between dots, expected"
                + " labels of 1..63 characters", errors.get(99));
        assertEquals(listPath("hosts.txt") + ": 250 bad lines in all, only the first 100 are listed; expected one"
                + " host per line (see the rules file reference)", errors.get(100));
    }

    @Test
    void reportsAMissingListFileAtTheValueThatNamesIt() throws IOException {
        assertEquals(List.of("" + rulesFile + ":2:27: cannot read host_file \"lists/x.txt\": no such file (looked for "
                + listPath("x.txt") + "), expected an existing file; a relative path starts at the rules file's"
                + " directory"),
                errors("rules:\n  - {name: r, host_file: [lists/x.txt], verdict: drop}\n"));
    }

    @Test
    void reportsADirectoryAndAFileWithoutEntries() throws IOException {
        list("empty.txt", "# nothing yet", "", "@@||x.example^");
        assertEquals(List.of(
                rulesFile + ":2:18: cannot read cidr_file \"lists\": it is a directory (" + dir.resolve("lists")
                        + "), expected a list file",
                rulesFile + ":4:34: host_file \"lists/empty.txt\" has no entries (1 AdBlock lines skipped),"
                        + " expected at least one host in it"),
                errors("groups:\n  g: {cidr_file: lists}\nrules:\n"
                        + "  - {name: r, src: g, host_file: lists/empty.txt, verdict: drop}\n"));
    }

    @Test
    void reportsWrongShapesOfFileKeys() throws IOException {
        assertEquals(List.of(
                rulesFile + ":2:18: cannot read cidr_file \"x\": no such file (looked for " + dir.resolve("x")
                        + "), expected an existing file; a relative path starts at the rules file's directory",
                rulesFile + ":2:21: unknown key \"host_file\" in a group, expected one of: cidr_file",
                rulesFile + ":3:6: empty mapping, expected {cidr_file: FILE}",
                rulesFile + ":4:7: expected an address, a CIDR or {cidr_file: FILE}, got a list",
                rulesFile + ":6:34: expected a file path or a list of them, got a mapping",
                rulesFile + ":6:54: expected a file path, got a list"),
                errors("groups:\n  a: {cidr_file: x, host_file: y}\n  b: {}\n  c: [[10.0.0.0/8]]\nrules:\n"
                        + "  - {name: r, src: a, host_file: {x: y}, path_file: [[z]], verdict: drop}\n"));
    }

    @Test
    void listsRulesFileErrorsFirstThenListFileErrorsInFileOrder() throws IOException {
        list("a.txt", "bad..a");
        list("b.txt", "bad..b");
        assertEquals(List.of(
                rulesFile + ":3:48: bad verdict \"nope\", expected accept, drop, reject or {mark: NAME or NUMBER}",
                listPath("b.txt") + ":1: bad host \"bad..b\": empty label between dots, expected labels of 1..63"
                        + " characters",
                listPath("a.txt") + ":1: bad host \"bad..a\": empty label between dots, expected labels of 1..63"
                        + " characters"),
                errors("rules:\n  - {name: r, host_file: lists/b.txt, verdict: drop}\n"
                        + "  - {name: s, host_file: lists/a.txt, verdict: nope}\n"));
    }

    @Test
    void resolvesRelativePathsAgainstTheRulesFileDirectoryAndAbsolutePathsAsWritten() throws IOException {
        list("a.txt", "a.example");
        Path elsewhere = Files.writeString(dir.resolve("b.txt"), "b.example\n");
        RuleSet rs = loadOk("rules:\n  - name: r\n    host_file: [lists/a.txt, " + elsewhere + "]\n"
                + "    verdict: drop\n");
        assertEquals(List.of("a.example", "b.example"), rs.rule(0).hostPatterns());
    }

    @Test
    void parseWithABaseDirectoryResolvesThereAndWithoutOneInTheCurrentDirectory() throws IOException {
        list("a.txt", "a.example");
        String yaml = "rules:\n  - {name: r, host_file: lists/a.txt, verdict: drop}\n";
        RuleLoadResult there = RulesLoader.parse("t.yaml", yaml, dir);
        assertEquals(List.of("a.example"), there.ruleSet().rule(0).hostPatterns());
        // The tests run in the project directory, which holds rules/lists/ads.txt.
        RuleLoadResult here = RulesLoader.parse("t.yaml", "rules:\n  - {name: r, host_file: rules/lists/ads.txt,"
                + " verdict: drop}\n");
        assertTrue(here.ok(), here.errors().toString());
        assertEquals(List.of("t.yaml:2:26: cannot read host_file \"lists/a.txt\": no such file (looked for"
                + " lists/a.txt), expected an existing file; a relative path starts at the rules file's directory"),
                RulesLoader.parse("t.yaml", yaml).errors().stream().map(RuleError::toString).toList());
    }

    @Test
    void readsListFilesAgainOnEveryLoadSoReloadSeesChanges() throws IOException {
        String yaml = "groups:\n  g: {cidr_file: lists/n.txt}\nrules:\n"
                + "  - {name: r, host_file: lists/a.txt, verdict: drop}\n  - {name: s, src: g, verdict: drop}\n";
        list("a.txt", "old.example");
        list("n.txt", "10.0.0.0/8");
        RuleSet first = loadOk(yaml);
        list("a.txt", "new.example", "||more.example^");
        list("n.txt", "192.0.2.0/24");
        RuleSet second = loadOk(yaml);
        assertEquals(List.of("old.example"), first.rule(0).hostPatterns());
        assertEquals(List.of("new.example", "more.example", "*.more.example"), second.rule(0).hostPatterns());
        assertEquals(List.of("192.0.2.0/24"), second.groups().get("g"));
        list("a.txt", "bad..example");
        assertFalse(loadRules(yaml).ok(), "a list gone bad refuses the whole file");
    }

    @Test
    void countsAFileUsedTwiceOnce() throws IOException {
        list("a.txt", "a.example", "@@x");
        RuleSet rs = loadOk("rules:\n  - {name: r, host_file: lists/a.txt, verdict: drop}\n"
                + "  - {name: s, host_file: lists/a.txt, verdict: accept}\n");
        assertEquals(List.of("a.example"), rs.rule(1).hostPatterns());
        assertEquals("2 rules, 0 groups, 0 marks, 1 list entry from 1 file (1 AdBlock line skipped), default accept",
                rs.summary());
    }

    @Test
    void loadsTheExampleListsAndMatchesTheirHostsAndNetworks() {
        RuleSet rs = RuleSetMatchTest.example();
        int adsList = 8;
        assertEquals("ads-list", rs.rule(adsList).name());
        assertEquals(List.of("banners.example.net", "*.trackers.example", "pixel.example.net", "metrics.example.net",
                "adserver.example", "*.adserver.example", "popups.example.net", "*.popups.example.net"),
                rs.rule(adsList).hostPatterns());
        for (String host : new String[] {"banners.example.net", "x.trackers.example", "pixel.example.net",
            "adserver.example", "a.adserver.example", "popups.example.net"}) {
            assertEquals("ads-list", rs.rule(rs.match(RuleSetMatchTest.request("GET", "/", host))).name(), host);
        }
        // The demo's hosts are decided by the rules above the list rule, or by the default.
        assertEquals(RuleSet.NO_MATCH, rs.match(RuleSetMatchTest.request("GET", "/", "www.example.com")));
        assertEquals(RuleSet.NO_MATCH, rs.match(RuleSetMatchTest.request("GET", "/", "cdn.example.net")));
        assertEquals("ads", rs.rule(rs.match(RuleSetMatchTest.request("GET", "/", "ads.example.net"))).name());
        assertEquals(List.of("192.0.2.0/24", "198.51.100.0/24", "203.0.113.7/32", "2001:db8:bad::/48"),
                rs.groups().get("badnets"));
        Rule badnets = rs.rule(9);
        assertEquals("badnets", badnets.name());
        assertFalse(badnets.needsInspection());
        assertEquals(9, rs.match(RuleSetMatchTest.flow("10.99.1.2", "203.0.113.7", 40000, 443)));
        assertEquals(9, rs.match(RuleSetMatchTest.flow("fd99:1::2", "2001:db8:bad::1", 40000, 443)));
        assertEquals(RuleSet.NO_MATCH, rs.match(RuleSetMatchTest.flow("10.99.1.2", "10.99.2.2", 40000, 443)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"||x.example^$third-party", "||x.example^$script,important", "||x.example^$domain=a.b",
        "||x.example^/", "||x.example^$", "||x.example^$important,", "||-bad-.example^x", "||exa%mple^",
        "||a..b^"})
    void skipsAdBlockDomainRulesItCannotHonour(String line) throws IOException {
        list("hosts.txt", "ok.example", line);
        RuleSet rs = loadOk("rules:\n  - {name: r, host_file: lists/hosts.txt, verdict: drop}\n");
        assertEquals(List.of("ok.example"), rs.rule(0).hostPatterns());
        assertTrue(rs.summary().contains("(1 AdBlock line skipped)"), rs.summary());
    }
}
