package org.nfqwall.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nfqwall.rules.Facts;
import org.nfqwall.rules.Protocol;
import org.nfqwall.rules.Verdict;

class EveJsonTest {
    private static final Instant T = Instant.parse("2026-11-23T18:30:00.123456Z");
    private static final String HEAD = "{\"timestamp\":\"2026-11-23T18:30:00.123456+0000\",\"event_type\":\"nfqwall\","
            + "\"src_ip\":\"10.99.1.2\",\"src_port\":40000,\"dest_ip\":\"10.99.2.2\",";

    @Test
    void httpDropNamesRuleLineAndRequest() {
        Facts f = DecisionFacts.http("www.example.com", "GET", "/APP2/x");
        assertEquals(HEAD + "\"dest_port\":80,\"proto\":\"TCP\",\"app_proto\":\"http\","
                + "\"nfqwall\":{\"action\":\"drop\",\"rule\":\"app2\",\"rule_line\":4,\"mark\":null},"
                + "\"http\":{\"hostname\":\"www.example.com\",\"url\":\"/APP2/x\",\"http_method\":\"GET\"}}",
                EveJson.decision(T, f, DecisionFacts.rule("app2"), Verdict.DROP, 0));
    }

    @Test
    void httpUrlCarriesTheQuery() {
        Facts f = DecisionFacts.http("www.example.com", "GET", "/APP2/x");
        f.query = "a=1&b=2";
        assertTrue(EveJson.decision(T, f, null, Verdict.DROP, 0).contains("\"url\":\"/APP2/x?a=1&b=2\""));
    }

    @Test
    void httpWithoutHostLeavesHostnameOut() {
        Facts f = DecisionFacts.http(null, "GET", "/x");
        assertTrue(EveJson.decision(T, f, null, Verdict.DROP, 0).endsWith("\"http\":{\"url\":\"/x\",\"http_method\":\"GET\"}}"));
    }

    @Test
    void twoHostsAreBothListedInTheNfqwallObject() {
        Facts f = DecisionFacts.http("a.example", "GET", "/");
        f.addHost("b.example");
        String line = EveJson.decision(T, f, null, Verdict.DROP, 0);
        assertTrue(line.contains("\"mark\":null,\"hosts\":[\"a.example\",\"b.example\"]}"), line);
        assertTrue(line.contains("\"hostname\":\"a.example\""), line);
    }

    @Test
    void markVerdictCarriesTheMarkAsANumber() {
        Facts f = DecisionFacts.http("video.example.org", "GET", "/movie");
        String line = EveJson.decision(T, f, DecisionFacts.rule("video"), Verdict.MARK, 6);
        assertTrue(line.contains("\"nfqwall\":{\"action\":\"mark\",\"rule\":\"video\",\"rule_line\":7,\"mark\":6}"), line);
    }

    @Test
    void aRoutingMarkSaysWhetherItIsOnTheConnectionNowOrOnTheNextOnes() {
        Facts f = DecisionFacts.http("video.example.org", "GET", "/movie");
        String next = EveJson.decision(T, f, DecisionFacts.rule("video"), Verdict.MARK, 16, org.nfqwall.engine.Steered.NEXT);
        assertTrue(next.contains("\"rule_line\":7,\"mark\":16,\"steer\":\"next\"}"), next);
        String now = EveJson.decision(T, f, DecisionFacts.rule("video"), Verdict.MARK, 16, org.nfqwall.engine.Steered.NOW);
        assertTrue(now.contains("\"mark\":16,\"steer\":\"now\"}"), now);
        String none = EveJson.decision(T, f, DecisionFacts.rule("video"), Verdict.MARK, 16, org.nfqwall.engine.Steered.NONE);
        assertTrue(!none.contains("steer"), none);
    }

    @Test
    void tlsHasSniAlpnsAndEch() {
        Facts f = DecisionFacts.hello(Protocol.TLS, "blocked.example.org", List.of("h2", "http/1.1"));
        f.ech = true;
        assertEquals(HEAD + "\"dest_port\":443,\"proto\":\"TCP\",\"app_proto\":\"tls\","
                + "\"nfqwall\":{\"action\":\"reject\",\"rule\":null,\"rule_line\":null,\"mark\":null},"
                + "\"tls\":{\"sni\":\"blocked.example.org\",\"client_alpns\":[\"h2\",\"http/1.1\"],\"ech\":true}}",
                EveJson.decision(T, f, null, Verdict.REJECT, 0));
    }

    @Test
    void tlsWithoutSniHasAnEmptyObjectOrAlpnsOnly() {
        assertTrue(EveJson.decision(T, DecisionFacts.hello(Protocol.TLS, null, List.of()), null, Verdict.DROP, 0)
                .endsWith(",\"tls\":{}}"));
        assertTrue(EveJson.decision(T, DecisionFacts.hello(Protocol.TLS, null, List.of("h2")), null, Verdict.DROP, 0)
                .endsWith(",\"tls\":{\"client_alpns\":[\"h2\"]}}"));
    }

    @Test
    void quicIsUdpWithAQuicObject() {
        Facts f = DecisionFacts.hello(Protocol.QUIC, "www.example.com", List.of("h3"));
        assertEquals(HEAD + "\"dest_port\":443,\"proto\":\"UDP\",\"app_proto\":\"quic\","
                + "\"nfqwall\":{\"action\":\"drop\",\"rule\":null,\"rule_line\":null,\"mark\":null},"
                + "\"quic\":{\"sni\":\"www.example.com\",\"client_alpns\":[\"h3\"]}}",
                EveJson.decision(T, f, null, Verdict.DROP, 0));
    }

    @Test
    void bittorrentHasAppProtoOnly() {
        Facts f = DecisionFacts.tcp(6881);
        f.applicationKnown = true;
        f.protocol = Protocol.BITTORRENT;
        assertEquals(HEAD + "\"dest_port\":6881,\"proto\":\"TCP\",\"app_proto\":\"bittorrent\","
                + "\"nfqwall\":{\"action\":\"drop\",\"rule\":null,\"rule_line\":null,\"mark\":null}}",
                EveJson.decision(T, f, null, Verdict.DROP, 0));
    }

    @Test
    void unknownProtocolIsNamedUnknown() {
        Facts f = DecisionFacts.tcp(8080);
        f.applicationKnown = true;
        f.protocol = Protocol.UNKNOWN;
        assertEquals(HEAD + "\"dest_port\":8080,\"proto\":\"TCP\",\"app_proto\":\"unknown\","
                + "\"nfqwall\":{\"action\":\"drop\",\"rule\":null,\"rule_line\":null,\"mark\":null}}",
                EveJson.decision(T, f, null, Verdict.DROP, 0));
    }

    @Test
    void defaultDropBeforeInspectionHasNoAppProto() {
        assertEquals(HEAD + "\"dest_port\":22,\"proto\":\"TCP\","
                + "\"nfqwall\":{\"action\":\"drop\",\"rule\":null,\"rule_line\":null,\"mark\":null}}",
                EveJson.decision(T, DecisionFacts.tcp(22), null, Verdict.DROP, 0));
    }

    @Test
    void ipv6AddressesAreInRfc5952Form() {
        Facts f = DecisionFacts.tcp(80);
        f.srcHi = 0xFD99_0001_0000_0000L;
        f.srcLo = 2;
        f.dstHi = 0xFD99_0002_0000_0000L;
        f.dstLo = 2;
        String line = EveJson.decision(T, f, null, Verdict.DROP, 0);
        assertTrue(line.contains("\"src_ip\":\"fd99:1::2\",\"src_port\":40000,\"dest_ip\":\"fd99:2::2\""), line);
    }

    @Test
    void statsAndMessageLines() {
        assertEquals("{\"timestamp\":\"2026-11-23T18:30:00.123456+0000\",\"event_type\":\"nfqwall_stats\",\"suppressed\":42}",
                EveJson.suppressed(T, 42));
        assertEquals("{\"timestamp\":\"2026-11-23T18:30:00.123456+0000\",\"event_type\":\"nfqwall_message\","
                + "\"message\":\"nfqwall: queue 3, \\\"r.yaml\\\"\"}", EveJson.message(T, "nfqwall: queue 3, \"r.yaml\""));
    }

    @Test
    void timestampHasMicrosecondsAndUtcOffset() {
        assertEquals("2026-01-02T03:04:05.000007+0000", EveJson.timestamp(Instant.parse("2026-01-02T03:04:05.000007891Z")));
    }

    @Test
    void escapesQuotesBackslashesAndControlCharacters() {
        assertEquals("\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0000\\u001f\\u007f\"", json("a\"b\\c\n\r\t\b\f\u0000\u001f\u007f"));
    }

    @Test
    void escapesJavaScriptLineSeparators() {
        assertEquals("\"\\u2028\\u2029\"", json("\u2028\u2029"));
    }

    @Test
    void keepsNonAsciiAndSurrogatePairs() {
        assertEquals("\"bücher.de/日本/\uD83D\uDE00\"", json("bücher.de/日本/\uD83D\uDE00"));
    }

    @Test
    void replacesLoneSurrogatesWithReplacementCharacter() {
        assertEquals("\"a\\ufffdb\\ufffd\\ufffd\"", json("a\uD800b\uDC00\uD83D"));
        assertEquals("\"\\ufffd\\ufffd\"", json("\uDE00\uD83D"));
    }

    /** Any string, whatever its bytes: the output is valid UTF-8 and decodes back to the input. */
    @ParameterizedTest
    @ValueSource(strings = {"", "plain", "\"\"\"", "\\\\", "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\n",
        "\u000b\u000c\r\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f",
        "/path?q=\"x\"&y=\\z", "é€\uD83D\uDE00", "\uD800", "\uDFFF\uD800", "x\uD83Dy", "\u00ff\u0080\u009f", "</script>"})
    void roundTripsThroughAJsonDecoder(String s) throws CharacterCodingException {
        String out = json(s);
        StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(out));
        assertEquals(withoutLoneSurrogates(s), decode(out));
    }

    private static String json(String s) {
        StringBuilder sb = new StringBuilder();
        EveJson.string(sb, s);
        return sb.toString();
    }

    private static String withoutLoneSurrogates(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                sb.append(c).append(s.charAt(++i));
            } else {
                sb.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return sb.toString();
    }

    /** A strict decoder of one JSON string literal (RFC 8259 section 7); fails on anything else. */
    private static String decode(String literal) {
        assertTrue(literal.length() >= 2 && literal.charAt(0) == '"' && literal.charAt(literal.length() - 1) == '"', literal);
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < literal.length() - 1; i++) {
            char c = literal.charAt(i);
            if (c < 0x20 || c == '"') {
                throw new AssertionError("unescaped " + (int) c + " in " + literal);
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = literal.charAt(++i);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    sb.append((char) Integer.parseInt(literal.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> throw new AssertionError("bad escape \\" + e + " in " + literal);
            }
        }
        return sb.toString();
    }
}
