package org.nfqwall.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RuleSetMatchTest {
    private static final String CLIENT4 = "10.99.1.2";
    private static final String CLIENT6 = "fd99:1::2";
    private static final String SERVER4 = "10.99.2.2";
    private static final String SERVER6 = "fd99:2::2";

    static RuleSet load(String yaml) {
        RuleLoadResult r = RulesLoader.parse("t.yaml", yaml);
        assertEquals(List.of(), r.errors());
        return r.ruleSet();
    }

    static RuleSet example() {
        RuleLoadResult r = RulesLoader.load(Path.of("rules/example.yaml"));
        assertEquals(List.of(), r.errors());
        return r.ruleSet();
    }

    /** Facts for a TCP flow; IPv4 text is stored IPv4-mapped, as the packet layer does. */
    static Facts flow(String src, String dst, int sport, int dport) {
        Facts f = new Facts();
        f.l4Protocol = 6;
        try {
            if (src.indexOf(':') < 0) {
                f.ipVersion = 4;
                f.setSourceIpv4(Addresses.parseIpv4(src));
                f.setDestinationIpv4(Addresses.parseIpv4(dst));
            } else {
                f.ipVersion = 6;
                long[] s = Addresses.parseIpv6(src);
                long[] d = Addresses.parseIpv6(dst);
                f.srcHi = s[0];
                f.srcLo = s[1];
                f.dstHi = d[0];
                f.dstLo = d[1];
            }
        } catch (BadValueException e) {
            throw new AssertionError(e);
        }
        f.srcPort = sport;
        f.dstPort = dport;
        return f;
    }

    /** An inspected HTTP request on the demo lab's IPv4 flow. */
    static Facts request(String method, String path, String... hosts) {
        Facts f = flow(CLIENT4, SERVER4, 40000, 80);
        f.applicationKnown = true;
        f.protocol = Protocol.HTTP;
        f.method = method;
        f.path = path;
        for (String h : hosts) {
            f.addHost(h);
        }
        return f;
    }

    /**
     * An inspected ClientHello on the demo lab's IPv4 flow to port 443 (QUIC: UDP), filled as the
     * engine does: the normalised SNI (null = none) in the hosts, no path and no method.
     */
    static Facts hello(Protocol protocol, String sni, String... alpns) {
        Facts f = flow(CLIENT4, SERVER4, 40000, 443);
        if (protocol == Protocol.QUIC) {
            f.l4Protocol = 17;
        }
        f.applicationKnown = true;
        f.protocol = protocol;
        f.helloSeen = true;
        if (sni != null) {
            f.sniPresent = true;
            f.addHost(sni);
        }
        for (String a : alpns) {
            f.addAlpn(a);
        }
        return f;
    }

    private static Facts withEch(Facts f) {
        f.ech = true;
        return f;
    }

    private static String matched(RuleSet rs, Facts f) {
        int i = rs.match(f);
        return i == RuleSet.NO_MATCH ? "none" : rs.rule(i).name();
    }

    @ParameterizedTest(name = "{0} {1} host={2} -> {3}")
    @CsvSource(delimiter = '|', value = {
        "GET  | /APP1/x      | www.example.com    | app1",
        "GET  | /APP1/x      | ads.example.net    | app1",
        "GET  | /APP2/x      | www.example.com    | app2",
        "GET  | /APP2/x      | a.b.example.com    | app2",
        "GET  | /APP2/x      | example.com        | none",
        "GET  | /app2/x      | www.example.com    | none",
        "GET  | /            | ads.example.net    | ads",
        "GET  | /            | x.ads.example.net  | none",
        "GET  | /v.mp4       | video.example.org  | video",
        "head | /v.mp4       | video.example.org  | video",
        "POST | /v.mp4       | video.example.org  | none",
        "GET  | /            | blocked.example.org| blocked-site",
        "GET  | /            | other.example.org  | none",
    })
    void exampleFileDecidesTheDemoRequests(String method, String path, String host, String expected) {
        assertEquals(expected, matched(example(), request(method, path, host)));
    }

    @ParameterizedTest(name = "{0} sni={1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "TLS        | blocked.example.org | blocked-site",
        "QUIC       | blocked.example.org | blocked-site",
        "TLS        | other.example.org   | none",
        "TLS        | ads.example.net     | ads",
        "QUIC       | other.example.org   | quic",
        "TLS        |                     | no-sni",
        "QUIC       |                     | quic",
    })
    void exampleFileDecidesClientHellos(Protocol protocol, String sni, String expected) {
        assertEquals(expected, matched(example(), hello(protocol, sni, "h2", "http/1.1")));
    }

    @Test
    void exampleFileDropsBitTorrentAndLeavesOtherUnknownTrafficAlone() {
        Facts f = flow(CLIENT4, SERVER4, 40000, 6881);
        f.applicationKnown = true;
        f.protocol = Protocol.BITTORRENT;
        assertEquals("bittorrent", matched(example(), f));
        f.protocol = Protocol.UNKNOWN;
        assertEquals("none", matched(example(), f));
    }

    @Test
    void hostRulesMatchTheSniExactlyAsTheHttpHost() {
        RuleSet rs = load("rules:\n  - {name: w, host: [\"*.example.com\", \"10.99.2.2\"], verdict: drop}\n");
        assertEquals(0, rs.match(hello(Protocol.TLS, HostNames.normalise("WWW.Example.COM."))));
        assertEquals(0, rs.match(hello(Protocol.QUIC, "a.b.example.com")));
        assertEquals(RuleSet.NO_MATCH, rs.match(hello(Protocol.TLS, "example.com")));
        assertEquals(RuleSet.NO_MATCH, rs.match(hello(Protocol.TLS, null)));
    }

    @Test
    void matchesAlpnWhenAnyOfferedIdEqualsAnyListedId() {
        RuleSet rs = load("rules:\n  - {name: a, alpn: [h2, h3], verdict: drop}\n");
        assertEquals(0, rs.match(hello(Protocol.TLS, "x.org", "h2", "http/1.1")));
        assertEquals(0, rs.match(hello(Protocol.TLS, "x.org", "http/1.1", "h2")));
        assertEquals(0, rs.match(hello(Protocol.QUIC, "x.org", "h3")));
        assertEquals(RuleSet.NO_MATCH, rs.match(hello(Protocol.TLS, "x.org", "http/1.1")));
        assertEquals(RuleSet.NO_MATCH, rs.match(hello(Protocol.TLS, "x.org")));
    }

    @ParameterizedTest(name = "offered {0}")
    @CsvSource({"H2", "h2c", "h", "' h2'", "'h2 '", "h2/1"})
    void matchesAlpnExactlyAndCaseSensitively(String offered) {
        RuleSet rs = load("rules:\n  - {name: a, alpn: h2, verdict: drop}\n");
        assertEquals(RuleSet.NO_MATCH, rs.match(hello(Protocol.TLS, "x.org", offered)));
    }

    @Test
    void alpnNeverMatchesWithoutAClientHello() {
        RuleSet rs = load("rules:\n  - {name: a, alpn: http/1.1, verdict: drop}\n");
        Facts f = request("GET", "/");
        f.addAlpn("http/1.1");
        assertEquals(RuleSet.NO_MATCH, rs.match(f));
        f.helloSeen = true;
        assertEquals(0, rs.match(f));
    }

    @Test
    void matchesOnlyTheFirstMaxAlpnIdsOffered() {
        RuleSet rs = load("rules:\n  - {name: a, alpn: last, verdict: drop}\n");
        String[] ids = new String[Facts.MAX_ALPN + 1];
        for (int i = 0; i < Facts.MAX_ALPN; i++) {
            ids[i] = "id" + i;
        }
        ids[Facts.MAX_ALPN] = "last";
        assertEquals(RuleSet.NO_MATCH, rs.match(hello(Protocol.TLS, "x.org", ids)));
    }

    @ParameterizedTest(name = "tls: {0}")
    @CsvSource(delimiter = '|', value = {
        // condition           | sni, no ECH | no sni | sni + ECH | no sni + ECH
        "{sni: none}           | none        | r      | none      | r",
        "{sni: present}        | r           | none   | r         | none",
        "{ech: true}           | none        | none   | r         | r",
        "{ech: false}          | r           | r      | none      | none",
        "{sni: present, ech: true} | none    | none   | r         | none",
        "{sni: none, ech: false}   | none    | r      | none      | none",
    })
    void matchesTlsSniAndEch(String condition, String plain, String noSni, String ech, String echNoSni) {
        RuleSet rs = load("rules:\n  - {name: r, tls: " + condition + ", verdict: drop}\n");
        for (Protocol p : List.of(Protocol.TLS, Protocol.QUIC)) {
            assertEquals(plain, matched(rs, hello(p, "x.org")), p + " with sni");
            assertEquals(noSni, matched(rs, hello(p, null)), p + " without sni");
            assertEquals(ech, matched(rs, withEch(hello(p, "public.x.org"))), p + " with sni and ech");
            assertEquals(echNoSni, matched(rs, withEch(hello(p, null))), p + " with ech, no sni");
        }
    }

    @Test
    void tlsConditionsNeverMatchWithoutAClientHello() {
        RuleSet rs = load("""
                rules:
                  - {name: no-sni, tls: {sni: none}, verdict: drop}
                  - {name: no-ech, tls: {ech: false}, verdict: drop}
                """);
        assertEquals(RuleSet.NO_MATCH, rs.match(request("GET", "/", "x.org")));
        Facts f = flow(CLIENT4, SERVER4, 40000, 443);
        f.applicationKnown = true;
        assertEquals(RuleSet.NO_MATCH, rs.match(f));
        f.protocol = Protocol.BITTORRENT;
        assertEquals(RuleSet.NO_MATCH, rs.match(f));
    }

    @Test
    void clientHelloConditionsWaitForInspection() {
        RuleSet rs = load("rules:\n  - {name: r, tls: {sni: none}, alpn: h2, verdict: drop}\n");
        Facts f = hello(Protocol.TLS, null, "h2");
        f.applicationKnown = false;
        assertEquals(RuleSet.NO_MATCH, rs.match(f));
        assertEquals(RuleSet.NEEDS_INSPECTION, rs.matchBeforeInspection(f));
        f.applicationKnown = true;
        assertEquals(0, rs.match(f));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"TLS", "QUIC"})
    void pathAndMethodNeverMatchAClientHello(Protocol protocol) {
        RuleSet rs = load("""
                rules:
                  - {name: any-path, path: "*", verdict: drop}
                  - {name: root, path: "/", verdict: drop}
                  - {name: get, method: [GET, POST, CONNECT, PRI], verdict: drop}
                  - {name: path-and-host, host: x.org, path: "/*", verdict: drop}
                  - {name: host, host: x.org, verdict: reject}
                """);
        assertEquals("host", matched(rs, hello(protocol, "x.org", "h2", "h3")));
        assertEquals("host", matched(rs, withEch(hello(protocol, "x.org"))));
        assertEquals("none", matched(rs, hello(protocol, null, "h2")));
    }

    @Test
    void matchesTheNewProtocols() {
        RuleSet rs = load("""
                rules:
                  - {name: tls, protocol: tls, verdict: drop}
                  - {name: quic-or-bt, protocol: [QUIC, BitTorrent], verdict: reject}
                """);
        assertEquals("tls", matched(rs, hello(Protocol.TLS, "x.org")));
        assertEquals("quic-or-bt", matched(rs, hello(Protocol.QUIC, "x.org")));
        Facts f = flow(CLIENT4, SERVER4, 1, 6881);
        f.applicationKnown = true;
        f.protocol = Protocol.BITTORRENT;
        assertEquals("quic-or-bt", matched(rs, f));
        assertEquals("none", matched(rs, request("GET", "/", "x.org")));
    }

    @Test
    void firstMatchingRuleWinsInFileOrder() {
        RuleSet rs = load("""
                rules:
                  - {name: first, path: "/a*", verdict: accept}
                  - {name: second, path: "/a/b*", verdict: drop}
                  - {name: catch-all, verdict: reject}
                """);
        assertEquals("first", matched(rs, request("GET", "/a/b/c", "h.example")));
        assertEquals("catch-all", matched(rs, request("GET", "/z", "h.example")));
    }

    @Test
    void ruleWithoutConditionsMatchesEverything() {
        RuleSet rs = load("rules:\n  - {name: all, verdict: drop}\n");
        assertEquals(0, rs.match(flow(CLIENT6, SERVER6, 1, 2)));
        assertEquals(0, rs.matchBeforeInspection(flow(CLIENT4, SERVER4, 1, 2)));
    }

    @Test
    void wildcardMatchesSubdomainsButNotTheApex() {
        RuleSet rs = load("rules:\n  - {name: w, host: \"*.example.com\", verdict: drop}\n");
        assertEquals(0, rs.match(request("GET", "/", "a.example.com")));
        assertEquals(0, rs.match(request("GET", "/", "deep.a.example.com")));
        assertEquals(RuleSet.NO_MATCH, rs.match(request("GET", "/", "example.com")));
        assertEquals(RuleSet.NO_MATCH, rs.match(request("GET", "/", "badexample.com")));
        assertEquals(RuleSet.NO_MATCH, rs.match(request("GET", "/", "example.com.evil")));
    }

    @Test
    void exactHostDoesNotMatchSubdomains() {
        RuleSet rs = load("rules:\n  - {name: e, host: example.com, verdict: drop}\n");
        assertEquals(0, rs.match(request("GET", "/", "example.com")));
        assertEquals(RuleSet.NO_MATCH, rs.match(request("GET", "/", "www.example.com")));
    }

    @Test
    void hostConditionMatchesWhenAnyOfTheRequestsHostsMatches() {
        RuleSet rs = load("rules:\n  - {name: b, host: blocked.example.org, verdict: drop}\n");
        // An absolute-form target naming another host than the Host header must not slip through.
        assertEquals(0, rs.match(request("GET", "/", "innocent.example.org", "blocked.example.org")));
        assertEquals(0, rs.match(request("GET", "/", "blocked.example.org", "innocent.example.org")));
    }

    @Test
    void hostPathAndMethodNeverMatchWhenTheFactIsMissing() {
        RuleSet rs = load("""
                rules:
                  - {name: h, host: "*.x.org", verdict: drop}
                  - {name: p, path: "*", verdict: drop}
                  - {name: m, method: GET, verdict: drop}
                """);
        Facts f = request(null, null);
        assertEquals(RuleSet.NO_MATCH, rs.match(f));
        f.path = "/";
        assertEquals(1, rs.match(f));
    }

    @Test
    void applicationConditionsWaitForInspection() {
        RuleSet rs = load("rules:\n  - {name: u, protocol: unknown, verdict: drop}\n");
        Facts f = flow(CLIENT4, SERVER4, 1, 22);
        assertEquals(RuleSet.NO_MATCH, rs.match(f));
        f.applicationKnown = true;
        assertEquals(0, rs.match(f));
    }

    @Test
    void matchesMethodsCaseInsensitively() {
        RuleSet rs = load("rules:\n  - {name: m, method: [get, HEAD], verdict: drop}\n");
        assertEquals(0, rs.match(request("GET", "/")));
        assertEquals(0, rs.match(request("gEt", "/")));
        assertEquals(0, rs.match(request("head", "/")));
        assertEquals(RuleSet.NO_MATCH, rs.match(request("POST", "/")));
        assertEquals(RuleSet.NO_MATCH, rs.match(request("GETX", "/")));
    }

    @Test
    void matchesPathsCaseSensitively() {
        RuleSet rs = load("rules:\n  - {name: p, path: /Admin*, verdict: drop}\n");
        assertEquals(0, rs.match(request("GET", "/Admin/x")));
        assertEquals(RuleSet.NO_MATCH, rs.match(request("GET", "/admin/x")));
    }

    @Test
    void matchesProtocol() {
        RuleSet rs = load("rules:\n  - {name: http, protocol: http, verdict: drop}\n"
                + "  - {name: other, protocol: [unknown], verdict: reject}\n");
        Facts f = request("GET", "/");
        assertEquals(0, rs.match(f));
        f.protocol = Protocol.UNKNOWN;
        assertEquals(1, rs.match(f));
    }

    @Test
    void matchesIpv4AndIpv6PrefixesAndGroups() {
        RuleSet rs = load("""
                groups:
                  lan: [10.99.1.0/24, "fd99:1::/64"]
                rules:
                  - {name: from-lan, src: lan, dst: [10.99.2.0/30, "fd99:2::2"], verdict: drop}
                  - {name: to-v4-server, dst: 10.99.2.2, verdict: reject}
                  - {name: any-v4, src: 0.0.0.0/0, verdict: accept}
                """);
        assertEquals("from-lan", matched(rs, flow(CLIENT4, SERVER4, 1, 80)));
        assertEquals("from-lan", matched(rs, flow(CLIENT6, SERVER6, 1, 80)));
        assertEquals("to-v4-server", matched(rs, flow("10.99.3.2", SERVER4, 1, 80)));
        assertEquals("any-v4", matched(rs, flow(CLIENT4, "10.99.2.9", 1, 80)));
        assertEquals("none", matched(rs, flow("fd99:1:0:1::2", SERVER6, 1, 80)));
        assertEquals("none", matched(rs, flow(CLIENT6, "fd99:2::3", 1, 80)));
    }

    @Test
    void ipv4PrefixesDoNotMatchIpv6AddressesWithTheSameBits() {
        RuleSet rs = load("rules:\n  - {name: v4, src: 10.0.0.0/8, verdict: drop}\n");
        assertEquals(RuleSet.NO_MATCH, rs.match(flow("a00::1", SERVER6, 1, 2)));
        assertEquals(RuleSet.NO_MATCH, rs.match(flow("::10.0.0.1", SERVER6, 1, 2)));
        assertEquals(0, rs.match(flow("::ffff:10.0.0.1", SERVER6, 1, 2)));
    }

    @Test
    void ipv6DefaultRouteCoversIpv4MappedAddressesToo() {
        RuleSet rs = load("rules:\n  - {name: all, src: \"::/0\", verdict: drop}\n");
        assertEquals(0, rs.match(flow(CLIENT4, SERVER4, 1, 2)));
        assertEquals(0, rs.match(flow(CLIENT6, SERVER6, 1, 2)));
    }

    @ParameterizedTest(name = "sport {0} dport {1} -> {2}")
    @CsvSource({
        "40000, 80, web",
        "40000, 8080, web",
        "40000, 8000, alt",
        "40000, 8100, alt",
        "40000, 8101, none",
        "1023, 443, low-source",
        "1024, 443, none",
        "0, 0, low-source",
    })
    void matchesPortsAndRanges(int sport, int dport, String expected) {
        RuleSet rs = load("""
                rules:
                  - {name: web, dport: [80, 8080], verdict: accept}
                  - {name: alt, dport: "8000-8100", verdict: accept}
                  - {name: low-source, sport: 0-1023, verdict: drop}
                """);
        assertEquals(expected, matched(rs, flow(CLIENT4, SERVER4, sport, dport)));
    }

    @Test
    void beforeInspectionReturnsFirstAddressRuleWithoutApplicationConditions() {
        RuleSet rs = load("""
                rules:
                  - {name: ssh, dport: 22, verdict: drop}
                  - {name: lan-web, src: 10.99.1.0/24, dport: 80, host: x.example, verdict: drop}
                  - {name: other-web, dport: 80, verdict: accept}
                """);
        assertEquals(0, rs.matchBeforeInspection(flow(CLIENT4, SERVER4, 1, 22)));
        assertEquals(RuleSet.NEEDS_INSPECTION, rs.matchBeforeInspection(flow(CLIENT4, SERVER4, 1, 80)));
        assertEquals(2, rs.matchBeforeInspection(flow("10.99.3.2", SERVER4, 1, 80)));
        assertEquals(RuleSet.NO_MATCH, rs.matchBeforeInspection(flow(CLIENT4, SERVER4, 1, 443)));
    }

    @Test
    void beforeInspectionNeedsInspectionForExampleFileWebTraffic() {
        RuleSet rs = example();
        assertEquals(RuleSet.NEEDS_INSPECTION, rs.matchBeforeInspection(flow(CLIENT4, SERVER4, 40000, 80)));
        assertEquals(RuleSet.NEEDS_INSPECTION, rs.matchBeforeInspection(flow(CLIENT6, SERVER6, 40000, 80)));
    }

    @Test
    void beforeInspectionWithNoRulesIsNoMatch() {
        assertEquals(RuleSet.NO_MATCH, load("default: drop\n").matchBeforeInspection(flow(CLIENT4, SERVER4, 1, 2)));
    }

    @Test
    void needsInspectionReflectsApplicationConditions() {
        RuleSet rs = load("""
                rules:
                  - {name: a, src: 10.0.0.0/8, sport: 1, dport: 2, dst: "::/0", verdict: drop}
                  - {name: b, protocol: http, verdict: drop}
                  - {name: c, method: GET, verdict: drop}
                  - {name: d, host: x.y, verdict: drop}
                  - {name: e, path: /x, verdict: drop}
                  - {name: f, alpn: h2, verdict: drop}
                  - {name: g, tls: {ech: true}, verdict: drop}
                """);
        assertFalse(rs.rule(0).needsInspection());
        for (int i = 1; i < rs.size(); i++) {
            assertTrue(rs.rule(i).needsInspection(), rs.rule(i).name());
        }
    }

    @Test
    void matchesIpLiteralHostsInCanonicalForm() {
        RuleSet rs = load("rules:\n  - {name: ip, host: [\"[FD99:2:0::2]\", 10.99.2.2], verdict: drop}\n");
        assertEquals(0, rs.match(request("GET", "/", HostNames.normalise("[fd99:2::2]:80"))));
        assertEquals(0, rs.match(request("GET", "/", HostNames.normalise("10.99.2.2:80"))));
        assertEquals(RuleSet.NO_MATCH, rs.match(request("GET", "/", "10.99.2.3")));
    }
}
