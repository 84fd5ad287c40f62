package org.nfqwall.inspect.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nfqwall.inspect.http.HttpInspector.MALFORMED;
import static org.nfqwall.inspect.http.HttpInspector.NEED_MORE;
import static org.nfqwall.inspect.http.HttpInspector.NOT_HTTP;
import static org.nfqwall.inspect.http.HttpInspector.REQUEST;
import static org.nfqwall.inspect.http.HttpInspector.TOO_LARGE;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HttpInspectorTest {
    private final HttpInspector inspector = new HttpInspector(HttpInspector.DEFAULT_MAX_HEAD_BYTES);
    private final HttpStreamState state = new HttpStreamState();
    private final HttpRequestHead head = new HttpRequestHead();

    private int inspect(byte[] bytes) {
        return inspector.inspect(state, bytes, 0, bytes.length, head);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void decodesSimpleGet() {
        byte[] bytes = Fixtures.http("get-simple.http");
        assertEquals(REQUEST, inspect(bytes));
        assertEquals(bytes.length, inspector.consumed());
        assertEquals("GET", head.method());
        assertEquals("/index.html?x=1&y=%41", head.target());
        assertEquals("Example.COM:8080", head.hostHeader(), "raw: the engine normalises hosts");
        assertNull(head.targetHost());
        assertEquals("/index.html", head.path());
        assertEquals("x=1&y=%41", head.query());
        assertEquals("HTTP/1.1", head.version());
        assertTrue(head.keepAlive());
        assertTrue(state.atHead());
        assertEquals(0, state.skippableBytes());
        assertFalse(state.upgradeRequested());
    }

    @Test
    void waitsForTheEmptyLineThatEndsTheHead() {
        byte[] bytes = ascii("GET / HTTP/1.1\r\nHost: a.example\r\n");
        assertEquals(NEED_MORE, inspect(bytes));
        assertEquals(0, inspector.consumed());
    }

    @Test
    void decodesHeadSplitAtEveryBytePositionAcrossTwoCalls() {
        byte[] bytes = Fixtures.http("get-simple.http");
        for (int cut = 0; cut <= bytes.length; cut++) {
            EngineSimulator engine = new EngineSimulator(false);
            assertEquals(NEED_MORE, engine.feedCut(bytes, cut), "cut at " + cut);
            assertEquals(List.of("GET Example.COM:8080 /index.html?x=1&y=%41"), engine.requests, "cut at " + cut);
            assertEquals(0, engine.pendingBytes());
        }
    }

    @Test
    void decodesHeadSplitAtEveryPairOfPositionsAcrossThreeCalls() {
        byte[] bytes = Fixtures.http("get-simple.http");
        for (int first = 0; first <= bytes.length; first++) {
            for (int second = first; second <= bytes.length; second++) {
                EngineSimulator engine = new EngineSimulator(false);
                engine.feedCut(bytes, first, second);
                assertEquals(List.of("GET Example.COM:8080 /index.html?x=1&y=%41"), engine.requests,
                        "cuts at " + first + ", " + second);
                assertEquals(0, engine.pendingBytes());
            }
        }
    }

    @Test
    void returnsOneRequestPerCallForPipelinedRequests() {
        byte[] bytes = Fixtures.http("pipelined.http");
        int firstLength = "GET /one HTTP/1.1\r\nHost: a.example\r\n\r\n".length();
        assertEquals(REQUEST, inspect(bytes));
        assertEquals(firstLength, inspector.consumed());
        assertEquals("/one", head.path());
        int off = inspector.consumed();
        assertEquals(REQUEST, inspector.inspect(state, bytes, off, bytes.length - off, head));
        assertEquals("HEAD", head.method());
        off += inspector.consumed();
        assertEquals(REQUEST, inspector.inspect(state, bytes, off, bytes.length - off, head));
        assertEquals("OPTIONS", head.method());
        assertEquals("*", head.path());
        off += inspector.consumed();
        assertEquals(bytes.length, off);
        assertEquals(NEED_MORE, inspector.inspect(state, bytes, off, 0, head));
    }

    @Test
    void seesEveryPipelinedRequestWhateverTheSegmentation() {
        byte[] bytes = Fixtures.http("pipelined.http");
        for (int size = 1; size <= bytes.length; size++) {
            EngineSimulator engine = new EngineSimulator(false);
            engine.feedInPieces(bytes, size);
            assertEquals(List.of("GET a.example /one", "HEAD b.example /two", "OPTIONS c.example *"),
                    engine.requests, "pieces of " + size);
        }
    }

    @Test
    void readsKeepAliveRequestAfterContentLengthBodyInOddPieces() {
        byte[] bytes = Fixtures.http("post-content-length.http");
        for (int[] sizes : new int[][] {{1}, {2, 3}, {7, 1, 13}, {40, 1}, {bytes.length}}) {
            EngineSimulator engine = new EngineSimulator(false);
            assertEquals(NEED_MORE, engine.feedInPieces(bytes, sizes));
            assertEquals(List.of("POST upload.example /upload", "GET upload.example /after-fixed"), engine.requests,
                    Arrays.toString(sizes));
            assertEquals(0, engine.pendingBytes(), "body bytes are consumed, not kept");
        }
    }

    @Test
    void readsKeepAliveRequestAfterChunkedBodyWithExtensionsAndTrailersInOddPieces() {
        byte[] bytes = Fixtures.http("post-chunked.http");
        for (int[] sizes : new int[][] {{1}, {2}, {3, 5}, {7, 1, 13}, {64}, {bytes.length}}) {
            EngineSimulator engine = new EngineSimulator(false);
            assertEquals(NEED_MORE, engine.feedInPieces(bytes, sizes));
            assertEquals(List.of("POST chunks.example /chunked", "GET chunks.example /after-chunked"),
                    engine.requests, Arrays.toString(sizes));
            assertEquals(0, engine.pendingBytes());
        }
    }

    @Test
    void engineMaySkipContentLengthBodyThroughSkippableBytes() {
        byte[] bytes = Fixtures.http("post-content-length.http");
        for (int size = 1; size <= bytes.length; size++) {
            EngineSimulator engine = new EngineSimulator(true);
            engine.feedInPieces(bytes, size);
            assertEquals(List.of("POST upload.example /upload", "GET upload.example /after-fixed"), engine.requests);
            assertEquals(26, engine.skippedBytes, "pieces of " + size);
        }
    }

    @Test
    void engineMaySkipChunkDataThroughSkippableBytes() {
        byte[] bytes = Fixtures.http("post-chunked.http");
        for (int size = 1; size <= bytes.length; size++) {
            EngineSimulator engine = new EngineSimulator(true);
            engine.feedInPieces(bytes, size);
            assertEquals(List.of("POST chunks.example /chunked", "GET chunks.example /after-chunked"),
                    engine.requests, "pieces of " + size);
            // Data that arrives with its chunk line is consumed by inspect() in the same call.
            assertTrue(engine.skippedBytes <= 11, "only chunk data is skippable, pieces of " + size);
            if (size == 1) {
                assertEquals(11, engine.skippedBytes, "byte by byte, every data byte is skipped");
            }
        }
    }

    @Test
    void reportsContentLengthBodyAsSkippableAfterTheHead() {
        byte[] bytes = ascii("POST /p HTTP/1.1\r\nContent-Length: 10\r\n\r\n");
        assertEquals(REQUEST, inspect(bytes));
        assertEquals(10, state.skippableBytes());
        state.skip(4);
        assertEquals(6, state.skippableBytes());
        assertThrows(IllegalArgumentException.class, () -> state.skip(7));
        assertThrows(IllegalArgumentException.class, () -> state.skip(-1));
        state.skip(6);
        assertEquals(0, state.skippableBytes());
        assertTrue(state.atHead());
    }

    @Test
    void consumesBodyBytesWhileReturningNeedMore() {
        byte[] head1 = ascii("POST /p HTTP/1.1\r\nContent-Length: 10\r\n\r\n");
        assertEquals(REQUEST, inspect(head1));
        assertEquals(NEED_MORE, inspect(ascii("12345")));
        assertEquals(5, inspector.consumed());
        assertEquals(5, state.skippableBytes());
    }

    @Test
    void consumesChunkLinesWhileReturningNeedMore() {
        assertEquals(REQUEST, inspect(ascii("POST /p HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")));
        assertEquals(0, state.skippableBytes(), "the chunk size is not known yet");
        assertEquals(NEED_MORE, inspect(ascii("1F;a=b\r\n")));
        assertEquals(8, inspector.consumed());
        assertEquals(31, state.skippableBytes());
    }

    @Test
    void skipsLeadingEmptyLinesBeforeAHead() {
        byte[] bytes = ascii("\r\n\r\n\nGET /x HTTP/1.1\r\n\r\n");
        assertEquals(REQUEST, inspect(bytes));
        assertEquals(bytes.length, inspector.consumed());
        assertEquals("/x", head.path());
    }

    @Test
    void consumesEmptyLinesAloneWithNeedMore() {
        assertEquals(NEED_MORE, inspect(ascii("\r\n\r\n")));
        assertEquals(4, inspector.consumed());
    }

    @Test
    void acceptsBareLfLineEnds() {
        byte[] bytes = ascii("GET /lf HTTP/1.1\nHost: lf.example\n\nGET /mixed HTTP/1.1\r\nHost: m.example\n\r\n");
        EngineSimulator engine = new EngineSimulator(false);
        engine.feed(bytes);
        assertEquals(List.of("GET lf.example /lf", "GET m.example /mixed"), engine.requests);
    }

    @Test
    void absoluteFormGivesRawTargetHostWithoutUserinfoAndNormalisedPath() {
        assertEquals(REQUEST, inspect(Fixtures.http("absolute-form.http")));
        assertEquals("WWW.Example.ORG.:8080", head.targetHost());
        assertEquals("ignored.example", head.hostHeader());
        assertEquals("WWW.Example.ORG.:8080", head.host());
        assertEquals("/APP2/x", head.path());
        assertEquals("q=%2e", head.query());
    }

    @Test
    void absoluteFormWithoutPathHasRootPath() {
        assertEquals(REQUEST, inspect(ascii("GET https://Example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n")));
        assertEquals("Example.com:443", head.targetHost());
        assertEquals("/", head.path());
        assertNull(head.query());
    }

    @Test
    void connectGivesAuthorityAndRequestsUpgrade() {
        assertEquals(REQUEST, inspect(Fixtures.http("connect.http")));
        assertEquals("CONNECT", head.method());
        assertEquals("Proxy.Example:443", head.target());
        assertEquals("Proxy.Example:443", head.targetHost());
        assertNull(head.path());
        assertNull(head.query());
        assertTrue(state.upgradeRequested());
    }

    @Test
    void connectToIpv6Authority() {
        assertEquals(REQUEST, inspect(ascii("CONNECT [2001:DB8:0:0::1]:443 HTTP/1.1\r\n\r\n")));
        assertEquals("[2001:DB8:0:0::1]:443", head.targetHost());
    }

    @Test
    void tlsAfterConnectIsNotHttpButATunnel() {
        EngineSimulator engine = new EngineSimulator(false);
        engine.feed(Fixtures.http("connect.http"));
        assertEquals(NOT_HTTP, engine.feed(Fixtures.hex("tls-client-hello-prefix.hex")));
        assertTrue(engine.state.upgradeRequested());
    }

    @Test
    void keepsParsingHttpAfterARefusedUpgrade() {
        EngineSimulator engine = new EngineSimulator(false);
        engine.feed(Fixtures.http("upgrade-websocket.http"));
        assertTrue(engine.state.upgradeRequested());
        engine.feed(ascii("GET /plain HTTP/1.1\r\nHost: ws.example\r\n\r\n"));
        assertEquals(List.of("GET ws.example /chat", "GET ws.example /plain"), engine.requests);
        assertFalse(engine.state.upgradeRequested(), "the last request asked for no upgrade");
    }

    @Test
    void websocketFramesAfterUpgradeAreNotHttp() {
        EngineSimulator engine = new EngineSimulator(false);
        engine.feed(Fixtures.http("upgrade-websocket.http"));
        assertEquals(NOT_HTTP, engine.feed(new byte[] {(byte) 0x81, (byte) 0x85, 0x37, (byte) 0xfa}));
        assertTrue(engine.state.upgradeRequested());
    }

    @Test
    void keepsHostHeaderRawButTrimmed() {
        assertEquals(REQUEST, inspect(ascii("GET / HTTP/1.1\r\nHost:  WWW.Example.COM.:8080 \t\r\n\r\n")));
        assertEquals("WWW.Example.COM.:8080", head.hostHeader());
        assertEquals("WWW.Example.COM.:8080", head.host());
    }

    @Test
    void keepsIpv6HostHeaderRaw() {
        assertEquals(REQUEST, inspect(ascii("GET / HTTP/1.1\r\nHost: [2001:0DB8:0000:0000:0000:0000:0000:0001]:80\r\n\r\n")));
        assertEquals("[2001:0DB8:0000:0000:0000:0000:0000:0001]:80", head.hostHeader());
    }

    @Test
    void leavesJudgingHostsToTheCaller() {
        String[] hosts = {"a.example/x", "a.example,b.example", "a.example:80x", "a..example", "exa mple.com", "[::1"};
        for (String host : hosts) {
            state.reset();
            assertEquals(REQUEST, inspect(ascii("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n")), host);
            assertEquals(host, head.hostHeader());
        }
    }

    @Test
    void readsInvalidUtf8InHostAsReplacementCharacter() {
        byte[] bytes = "GET / HTTP/1.1\r\nHost: a\u00ff.example\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(REQUEST, inspect(bytes));
        assertEquals("a\ufffd.example", head.hostHeader());
    }

    @Test
    void absoluteFormWithIpv6Host() {
        assertEquals(REQUEST, inspect(ascii("GET http://[2001:DB8::1]/x HTTP/1.1\r\n\r\n")));
        assertEquals("[2001:DB8::1]", head.targetHost());
        assertEquals(REQUEST, inspect(ascii("GET http://[::1]:8080/x HTTP/1.1\r\n\r\n")));
        assertEquals("[::1]:8080", head.targetHost());
    }

    @Test
    void takesLastUserinfoSeparatorInAbsoluteForm() {
        assertEquals(REQUEST, inspect(ascii("GET http://a@b@C.example:81/p HTTP/1.1\r\n\r\n")));
        assertEquals("C.example:81", head.targetHost());
        assertEquals("/p", head.path());
    }

    @Test
    void treatsEmptyHostHeaderAsNoHost() {
        assertEquals(REQUEST, inspect(ascii("GET / HTTP/1.1\r\nHost:\r\n\r\n")));
        assertNull(head.hostHeader());
    }

    @Test
    void acceptsRepeatedIdenticalHostHeaders() {
        assertEquals(REQUEST, inspect(ascii("GET / HTTP/1.1\r\nHost: a.example\r\nHost:  A.EXAMPLE \r\n\r\n")));
        assertEquals("a.example", head.hostHeader());
    }

    @Test
    void normalisesEncodedAndDotSegmentPaths() {
        String[][] cases = {
            {"/a/%2e%2e/APP2/x", "/APP2/x"},
            {"//APP2", "/APP2"},
            {"/APP1/../APP2", "/APP2"},
            {"/%41PP2/%2F/x", "/APP2/x"},
            {"/x//../APP2", "/APP2"},
        };
        for (String[] c : cases) {
            state.reset();
            assertEquals(REQUEST, inspect(ascii("GET " + c[0] + " HTTP/1.1\r\n\r\n")), c[0]);
            assertEquals(c[1], head.path(), c[0]);
            assertEquals(c[0], head.target());
        }
    }

    @Test
    void readsRawUtf8InTargetAsUtf8() {
        byte[] bytes = "GET /caf\u00e9 HTTP/1.1\r\nHost: b\u00fccher.example\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        assertEquals(REQUEST, inspect(bytes));
        assertEquals("/caf\u00e9", head.path());
        assertEquals("/caf\u00e9", head.target());
        assertEquals("b\u00fccher.example", head.hostHeader());
    }

    @Test
    void cutsFragmentAndKeepsEmptyQuery() {
        assertEquals(REQUEST, inspect(ascii("GET /p?#frag HTTP/1.1\r\n\r\n")));
        assertEquals("/p", head.path());
        assertEquals("", head.query());
    }

    @Test
    void http10IsNotKeepAliveUnlessAsked() {
        assertEquals(REQUEST, inspect(ascii("GET / HTTP/1.0\r\n\r\n")));
        assertEquals("HTTP/1.0", head.version());
        assertFalse(head.keepAlive());
        state.reset();
        assertEquals(REQUEST, inspect(ascii("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")));
        assertTrue(head.keepAlive());
        state.reset();
        assertEquals(REQUEST, inspect(ascii("GET / HTTP/1.1\r\nConnection: close\r\n\r\n")));
        assertFalse(head.keepAlive());
    }

    @Test
    void tlsClientHelloIsNotHttpAtTheFirstByte() {
        byte[] hello = Fixtures.hex("tls-client-hello-prefix.hex");
        assertEquals(NOT_HTTP, inspector.inspect(state, hello, 0, 1, head));
        assertEquals(0, inspector.consumed());
        assertFalse(HttpInspector.mayBeHttp(hello, 0, hello.length));
        assertFalse(HttpInspector.mayBeHttp(hello, 0, 1));
    }

    @Test
    void randomBinaryIsNotHttp() {
        Random random = new Random(42);
        for (int i = 0; i < 200; i++) {
            byte[] bytes = new byte[64];
            random.nextBytes(bytes);
            bytes[0] = (byte) (0x80 | bytes[0]); // not a tchar: the first byte decides
            state.reset();
            assertEquals(NOT_HTTP, inspect(bytes));
            assertFalse(HttpInspector.mayBeHttp(bytes, 0, bytes.length));
        }
    }

    @Test
    void http2PriorKnowledgePrefaceIsNotHttp1() {
        byte[] preface = ascii("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
        assertEquals(NEED_MORE, inspector.inspect(state, preface, 0, 9, head));
        assertTrue(HttpInspector.mayBeHttp(preface, 0, 9));
        assertEquals(NOT_HTTP, inspect(preface));
        assertFalse(HttpInspector.mayBeHttp(preface, 0, preface.length));
    }

    @Test
    void methodMustBeFollowedBySpaceWithinTwentyCharacters() {
        assertEquals(NOT_HTTP, inspect(ascii("ABCDEFGHIJKLMNOPQRSTU / HTTP/1.1\r\n\r\n")));
        state.reset();
        assertEquals(NEED_MORE, inspect(ascii("ABCDEFGHIJKLMNOPQRST")));
        assertEquals(REQUEST, inspect(ascii("ABCDEFGHIJKLMNOPQRST / HTTP/1.1\r\n\r\n")));
        state.reset();
        assertEquals(NOT_HTTP, inspect(ascii(" GET / HTTP/1.1\r\n\r\n")));
        state.reset();
        assertEquals(NOT_HTTP, inspect(ascii("GET\t/ HTTP/1.1\r\n\r\n")));
    }

    @Test
    void mayBeHttpAcceptsRequestPrefixes() {
        assertTrue(HttpInspector.mayBeHttp(new byte[0], 0, 0));
        assertTrue(HttpInspector.mayBeHttp(ascii("G"), 0, 1));
        assertTrue(HttpInspector.mayBeHttp(ascii("\r\nPOST /x"), 0, 9));
        assertTrue(HttpInspector.mayBeHttp(ascii("xxGET "), 2, 4));
        assertFalse(HttpInspector.mayBeHttp(ascii("GET "), 0, 5), "bad bounds are not HTTP");
        assertFalse(HttpInspector.mayBeHttp(ascii("{\"json\":1}"), 0, 10));
        assertFalse(HttpInspector.mayBeHttp(new byte[] {0x13, 'B', 'i', 't'}, 0, 4), "BitTorrent handshake");
    }

    @Test
    void headWithoutEndWithinLimitIsTooLarge() {
        HttpInspector small = new HttpInspector(128);
        byte[] bytes = ascii("GET / HTTP/1.1\r\nX-Long: " + "a".repeat(200) + "\r\n\r\n");
        assertEquals(TOO_LARGE, small.inspect(state, bytes, 0, bytes.length, head));
    }

    @Test
    void headGrowingPastLimitAcrossCallsIsTooLarge() {
        EngineSimulator engine = new EngineSimulator(128, false);
        byte[] bytes = ascii("GET / HTTP/1.1\r\nX-Long: " + "a".repeat(200));
        assertEquals(TOO_LARGE, engine.feedInPieces(bytes, 10));
    }

    @Test
    void headOfExactlyTheLimitIsAccepted() {
        String start = "GET / HTTP/1.1\r\nX: ";
        String head128 = start + "a".repeat(128 - start.length() - 4) + "\r\n\r\n";
        assertEquals(128, head128.length());
        HttpInspector small = new HttpInspector(128);
        byte[] bytes = ascii(head128 + "GET");
        assertEquals(REQUEST, small.inspect(state, bytes, 0, bytes.length, head));
        byte[] longer = ascii(start + "a".repeat(128 - start.length() - 3) + "\r\n\r\n");
        state.reset();
        assertEquals(TOO_LARGE, small.inspect(state, longer, 0, longer.length, head));
    }

    @Test
    void failureIsFinalForTheFlowUntilReset() {
        assertEquals(NOT_HTTP, inspect(new byte[] {0x16, 0x03}));
        assertEquals(NOT_HTTP, inspect(ascii("GET / HTTP/1.1\r\n\r\n")));
        state.reset();
        assertEquals(REQUEST, inspect(ascii("GET / HTTP/1.1\r\n\r\n")));
    }

    @Test
    void resetForgetsAPartlyReadBody() {
        assertEquals(REQUEST, inspect(ascii("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n")));
        inspect(ascii("5\r\nab"));
        state.reset();
        assertEquals(0, state.skippableBytes());
        assertFalse(state.upgradeRequested());
        assertEquals(REQUEST, inspect(ascii("GET / HTTP/1.1\r\n\r\n")));
    }

    @Test
    void contentLengthBodyThenNextHeadInTheSameCall() {
        byte[] bytes = ascii("POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nxyzGET /b HTTP/1.1\r\n\r\n");
        assertEquals(REQUEST, inspect(bytes));
        int off = inspector.consumed();
        assertEquals(REQUEST, inspector.inspect(state, bytes, off, bytes.length - off, head));
        assertEquals("/b", head.path());
        assertEquals(bytes.length - off, inspector.consumed(), "body and head consumed together");
    }

    @Test
    void acceptsEquivalentFramingSpellings() {
        String[] heads = {
            "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n",
            "POST / HTTP/1.1\r\nContent-Length: 3, 3\r\n\r\n",
            "POST / HTTP/1.1\r\nContent-Length: 003\r\n\r\n",
        };
        for (String h : heads) {
            state.reset();
            assertEquals(REQUEST, inspect(ascii(h)), h);
            assertEquals(3, state.skippableBytes(), h);
        }
        String[] chunked = {
            "POST / HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n",
            "POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
            "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n",
        };
        for (String h : chunked) {
            state.reset();
            assertEquals(REQUEST, inspect(ascii(h)), h);
            assertEquals(NEED_MORE, inspect(ascii("2\r\n")), h);
            assertEquals(2, state.skippableBytes(), h);
        }
    }

    @Test
    void rejectsBrokenChunkedBodyAfterTheHead() {
        assertEquals(REQUEST, inspect(ascii("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")));
        assertEquals(MALFORMED, inspect(ascii("zz\r\n")));
    }
}
