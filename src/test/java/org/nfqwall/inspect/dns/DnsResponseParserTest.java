package org.nfqwall.inspect.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nfqwall.inspect.dns.DnsResponseParser.MALFORMED;
import static org.nfqwall.inspect.dns.DnsResponseParser.NOT_A_RESPONSE;
import static org.nfqwall.inspect.dns.DnsResponseParser.RESPONSE;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DnsResponseParserTest {
    private final DnsAnswer out = new DnsAnswer();

    @Test
    void readsARecordsOwnedByTheQuestionThroughCompression() {
        assertEquals(RESPONSE, parse(DnsFixtures.A));
        assertEquals("www.example.com", out.question);
        assertEquals(DnsAnswer.TYPE_A, out.questionType);
        assertEquals(2, out.count);
        assertEquals("www.example.com", out.owner[0]);
        assertEquals(0xFFFF_5DB8_D822L, out.addressLo[0]);
        assertEquals(0, out.addressHi[0]);
        assertEquals(0xFFFF_5DB8_D823L, out.addressLo[1]);
    }

    @Test
    void readsAaaaRecords() {
        assertEquals(RESPONSE, parse(DnsFixtures.AAAA));
        assertEquals(DnsAnswer.TYPE_AAAA, out.type[0]);
        assertEquals(0x2001_0db8_0000_0000L, out.addressHi[0]);
        assertEquals(1L, out.addressLo[0]);
    }

    @Test
    void followsTheCnameChainFromTheQuestion() {
        assertEquals(RESPONSE, parse(DnsFixtures.CNAME));
        String[] chain = new String[DnsAnswer.MAX_CHAIN];
        int n = out.chain(chain);
        assertEquals(3, n);
        assertEquals("www.shop.test", chain[0]);
        assertEquals("shop.cdn.test", chain[1]);
        assertEquals("edge.cdn.test", chain[2]);
        assertTrue(out.isAddressOf(2, chain, n), "edge.cdn.test A 10.9.9.9 is at the end of the chain");
        assertEquals(0xFFFF_0A09_0909L, out.addressLo[2]);
        assertFalse(out.isAddressOf(3, chain, n), "other.test is not on the chain");
        assertFalse(out.isAddressOf(0, chain, n), "a CNAME is no address");
    }

    @Test
    void aCnameLoopEndsTheChain() {
        assertEquals(RESPONSE, parse(DnsFixtures.CNAMELOOP));
        String[] chain = new String[DnsAnswer.MAX_CHAIN];
        assertEquals(2, out.chain(chain));
        assertEquals("b.test", chain[1]);
    }

    @Test
    void aTruncatedResponseKeepsItsWholeRecords() {
        assertEquals(RESPONSE, parse(DnsFixtures.TC));
        assertTrue(out.truncated);
        assertEquals(1, out.count);
        assertEquals(0xFFFF_0A00_0001L, out.addressLo[0]);
        assertEquals(2, out.recordsNotRead);
    }

    @Test
    void readsAtMostMaxRecordsAndCountsTheRest() {
        assertEquals(RESPONSE, parse(DnsFixtures.MANY));
        assertEquals(DnsAnswer.MAX_RECORDS, out.count);
        assertEquals(40 - DnsAnswer.MAX_RECORDS, out.recordsNotRead);
    }

    @Test
    void namesAreLowerCased() {
        assertEquals(RESPONSE, parse(DnsFixtures.UPPER));
        assertEquals("www.example.com", out.question);
        assertEquals("www.example.com", out.owner[0]);
    }

    @Test
    void aNameThatIsNoHostNameIsKeptAsNullAndTheRestIsRead() {
        assertEquals(RESPONSE, parse(DnsFixtures.BADCHARS));
        assertEquals(2, out.count);
        assertNull(out.owner[0]);
        assertEquals("www.example.com", out.owner[1]);
    }

    @Test
    void recordsOfOtherClassesAreSkipped() {
        assertEquals(RESPONSE, parse(DnsFixtures.CHAOS));
        assertEquals(0, out.count);
    }

    @Test
    void anErrorResponseHasNoAnswers() {
        assertEquals(RESPONSE, parse(DnsFixtures.NXDOMAIN));
        assertEquals(3, out.rcode);
        assertEquals("nope.example.com", out.question);
        assertEquals(0, out.count);
    }

    @Test
    void aParseForgetsThePreviousOne() {
        parse(DnsFixtures.CNAME);
        assertEquals(RESPONSE, parse(DnsFixtures.NXDOMAIN));
        assertEquals(0, out.count);
        assertNull(out.owner[0]);
        assertNull(out.target[0]);
    }

    static Stream<Arguments> notResponses() {
        return Stream.of(Arguments.of("query", DnsFixtures.QUERY), Arguments.of("two questions", DnsFixtures.QD2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notResponses")
    void readsOnlyResponsesWithOneQuestion(String what, String hex) {
        assertEquals(NOT_A_RESPONSE, parse(hex));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(Arguments.of("pointer loop", DnsFixtures.LOOP), Arguments.of("pointer to itself", DnsFixtures.SELF),
                Arguments.of("forward pointer", DnsFixtures.FORWARD), Arguments.of("65535 answers announced, none there", DnsFixtures.HUGE),
                Arguments.of("reserved label type", DnsFixtures.RESERVED), Arguments.of("name over 255 bytes", DnsFixtures.LONGNAME),
                Arguments.of("A record of 3 bytes", DnsFixtures.BADALEN), Arguments.of("header cut", "1234818000010001"),
                Arguments.of("empty", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void refusesMalformedMessages(String what, String hex) {
        assertEquals(MALFORMED, parse(hex));
    }

    static Stream<Arguments> everyCut() {
        return Stream.of(DnsFixtures.A, DnsFixtures.AAAA, DnsFixtures.CNAME, DnsFixtures.TC)
                .flatMap(hex -> IntStream.range(0, hex.length() / 2).mapToObj(n -> Arguments.of(hex, n)));
    }

    /** A message cut anywhere is refused (or read up to the cut when it says TC); never an exception, never a read past the cut. */
    @ParameterizedTest
    @MethodSource("everyCut")
    void aMessageCutAnywhereIsMalformedNeverAnException(String hex, int length) {
        byte[] whole = HexFormat.of().parseHex(hex);
        // The bytes after the cut are garbage that must not be read.
        ByteBuffer buf = ByteBuffer.allocate(whole.length + 64);
        buf.put(0, whole, 0, length);
        for (int i = length; i < buf.capacity(); i++) {
            buf.put(i, (byte) 0xC0);
        }
        int r = DnsResponseParser.parse(buf, 0, length, out);
        assertTrue(r == MALFORMED || (r == RESPONSE && (out.truncated || out.count == 0 || length == whole.length)),
                "cut at " + length + ": " + r);
    }

    @Test
    void readsAMessageAtAnOffsetInALargerBuffer() {
        byte[] whole = HexFormat.of().parseHex(DnsFixtures.A);
        ByteBuffer buf = ByteBuffer.allocate(whole.length + 100);
        buf.put(40, whole);
        assertEquals(RESPONSE, DnsResponseParser.parse(buf, 40, whole.length, out));
        assertEquals("www.example.com", out.owner[1]);
    }

    private int parse(String hex) {
        byte[] b = HexFormat.of().parseHex(hex);
        return DnsResponseParser.parse(ByteBuffer.wrap(b), 0, b.length, out);
    }
}
