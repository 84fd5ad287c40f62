package org.nfqwall.inspect.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nfqwall.inspect.http.HttpInspector.MALFORMED;
import static org.nfqwall.inspect.http.HttpInspector.NEED_MORE;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HttpInspectorMalformedTest {
    private final HttpInspector inspector = new HttpInspector(HttpInspector.DEFAULT_MAX_HEAD_BYTES);
    private final HttpStreamState state = new HttpStreamState();
    private final HttpRequestHead head = new HttpRequestHead();

    static Stream<Arguments> malformedHeads() {
        return Stream.of(
            // netty rejects the request line or a header
            Arguments.of("request line without version", "GET /\r\nHost: a\r\n\r\n"),
            Arguments.of("request line with one word after the method", "GET /a/b\r\n\r\n"),
            Arguments.of("version not HTTP", "GET / FTP/1.1\r\n\r\n"),
            Arguments.of("version garbled", "GET / HTTP/1.x\r\n\r\n"),
            Arguments.of("version 2.0 in HTTP/1 syntax", "GET / HTTP/2.0\r\n\r\n"),
            Arguments.of("version 1.2", "GET / HTTP/1.2\r\n\r\n"),
            Arguments.of("header line without colon", "GET / HTTP/1.1\r\nHost a.example\r\n\r\n"),
            Arguments.of("header name with space", "GET / HTTP/1.1\r\nX Y: 1\r\n\r\n"),
            Arguments.of("whitespace before colon", "GET / HTTP/1.1\r\nHost : a.example\r\n\r\n"),
            Arguments.of("tab before colon", "GET / HTTP/1.1\r\nContent-Length\t: 5\r\n\r\n"),
            Arguments.of("control character in target", "GET /a\u0001b HTTP/1.1\r\n\r\n"),
            Arguments.of("space after version", "GET / HTTP/1.1 \r\n\r\n"),
            Arguments.of("version with leading zero", "GET / HTTP/01.1\r\n\r\n"),
            Arguments.of("empty header name", "GET / HTTP/1.1\r\n: x\r\n\r\n"),
            Arguments.of("first header line folded", "GET / HTTP/1.1\r\n X: y\r\n\r\n"),
            Arguments.of("NUL in header value", "GET / HTTP/1.1\r\nX: a\u0000b\r\n\r\n"),
            Arguments.of("bare CR inside a header line", "GET / HTTP/1.1\r\nHost: a.example\rX: y\r\n\r\n"),
            Arguments.of("CR CR LF after the request line", "GET / HTTP/1.1\r\r\n\r\n"),
            Arguments.of("Transfer-Encoding folded onto an empty value",
                    "POST / HTTP/1.1\r\nTransfer-Encoding:\r\n chunked\r\n\r\n"),
            // request smuggling: ambiguous body framing
            Arguments.of("Transfer-Encoding and Content-Length",
                    "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n"),
            Arguments.of("Content-Length and Transfer-Encoding",
                    "POST / HTTP/1.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"),
            Arguments.of("Transfer-Encoding and Content-Length in HTTP/1.0",
                    "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n"),
            Arguments.of("differing Content-Length headers",
                    "POST / HTTP/1.1\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\n"),
            Arguments.of("differing Content-Length list", "POST / HTTP/1.1\r\nContent-Length: 4, 5\r\n\r\n"),
            Arguments.of("negative Content-Length", "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"),
            Arguments.of("signed Content-Length", "POST / HTTP/1.1\r\nContent-Length: +4\r\n\r\n"),
            Arguments.of("non-numeric Content-Length", "POST / HTTP/1.1\r\nContent-Length: 4x\r\n\r\n"),
            Arguments.of("hex Content-Length", "POST / HTTP/1.1\r\nContent-Length: 0x10\r\n\r\n"),
            Arguments.of("empty Content-Length", "POST / HTTP/1.1\r\nContent-Length:\r\n\r\n"),
            Arguments.of("Content-Length beyond a long",
                    "POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n"),
            Arguments.of("final coding not chunked", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"),
            Arguments.of("only coding not chunked", "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n"),
            Arguments.of("unknown coding", "POST / HTTP/1.1\r\nTransfer-Encoding: xchunked\r\n\r\n"),
            Arguments.of("chunked twice", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked, chunked\r\n\r\n"),
            Arguments.of("chunked in two headers",
                    "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"),
            Arguments.of("empty Transfer-Encoding", "POST / HTTP/1.1\r\nTransfer-Encoding:\r\n\r\n"),
            Arguments.of("Transfer-Encoding in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"),
            // hosts (whether a host is valid is the engine's judgement, see EngineTest)
            Arguments.of("differing Host headers", "GET / HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n"),
            Arguments.of("Host headers differing in port",
                    "GET / HTTP/1.1\r\nHost: a.example\r\nHost: a.example:80\r\n\r\n"),
            Arguments.of("absolute-form with only userinfo", "GET http://user@/x HTTP/1.1\r\n\r\n"),
            Arguments.of("absolute-form with a bad host", "GET http://a b/ HTTP/1.1\r\n\r\n"),
            // targets that do not fit their method
            Arguments.of("absolute-form without authority", "GET http:/x HTTP/1.1\r\n\r\n"),
            Arguments.of("absolute-form with empty authority", "GET http:///x HTTP/1.1\r\n\r\n"),
            Arguments.of("URN target", "GET urn:isbn:123 HTTP/1.1\r\n\r\n"),
            Arguments.of("authority-form for GET", "GET example.com:443 HTTP/1.1\r\n\r\n"),
            Arguments.of("CONNECT with origin-form", "CONNECT / HTTP/1.1\r\n\r\n"),
            Arguments.of("CONNECT without port", "CONNECT example.com HTTP/1.1\r\n\r\n"),
            Arguments.of("CONNECT with userinfo", "CONNECT user@example.com:443 HTTP/1.1\r\n\r\n"),
            Arguments.of("CONNECT to bracketless IPv6", "CONNECT ::1:443 HTTP/1.1\r\n\r\n"),
            Arguments.of("CONNECT to IPv6 without port", "CONNECT [::1] HTTP/1.1\r\n\r\n"),
            Arguments.of("absolute-form with bracketless IPv6", "GET http://::1:80/ HTTP/1.1\r\n\r\n"),
            Arguments.of("asterisk-form for GET", "GET * HTTP/1.1\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedHeads")
    void rejectsMalformedHead(String name, String request) {
        byte[] bytes = request.getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(MALFORMED, inspector.inspect(state, bytes, 0, bytes.length, head), name);
        assertEquals(0, inspector.consumed());
        assertEquals(MALFORMED, inspector.inspect(state, bytes, 0, bytes.length, head), "final: " + name);
    }

    static Stream<Arguments> malformedChunkedBodies() {
        return Stream.of(
            Arguments.of("non-hex chunk size", "zz\r\n"),
            Arguments.of("empty chunk size", "\r\n"),
            Arguments.of("chunk size after whitespace", " 5\r\nhello\r\n0\r\n\r\n"),
            Arguments.of("two sizes on one line", "5 6\r\nhello\r\n"),
            Arguments.of("signed chunk size", "+5\r\nhello\r\n"),
            Arguments.of("chunk size beyond a long", "8000000000000000\r\n"),
            Arguments.of("bare CR in chunk line", "5\rhello\r\n"),
            Arguments.of("control in chunk extension", "5;a=\u0000\r\nhello\r\n"),
            Arguments.of("chunk line too long", "5;" + "x".repeat(ChunkedBodySkipper.MAX_CHUNK_LINE_BYTES) + "\r\n"),
            Arguments.of("data not followed by CRLF", "5\r\nhelloX\r\n0\r\n\r\n"),
            Arguments.of("data followed by CR CR", "5\r\nhello\r\r\n"),
            Arguments.of("bare CR in trailer", "0\r\nX: 1\rY: 2\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedChunkedBodies")
    void rejectsMalformedChunkedBody(String name, String body) {
        byte[] start = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        EngineSimulator engine = new EngineSimulator(false);
        assertEquals(NEED_MORE, engine.feed(start));
        assertEquals(1, engine.requests.size());
        assertEquals(MALFORMED, engine.feed(body.getBytes(StandardCharsets.ISO_8859_1)), name);
        EngineSimulator byteByByte = new EngineSimulator(false);
        byteByByte.feed(start);
        assertEquals(MALFORMED, byteByByte.feedInPieces(body.getBytes(StandardCharsets.ISO_8859_1), 1),
                "byte by byte: " + name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedHeads")
    void rejectsMalformedHeadWhateverTheSegmentation(String name, String request) {
        byte[] bytes = request.getBytes(StandardCharsets.ISO_8859_1);
        for (int size = 1; size < bytes.length; size += 3) {
            EngineSimulator engine = new EngineSimulator(false);
            assertEquals(MALFORMED, engine.feedInPieces(bytes, size), name + " in pieces of " + size);
        }
    }

    @Test
    void trailersLongerThanTheHeadLimitAreTooLarge() {
        EngineSimulator engine = new EngineSimulator(128, false);
        engine.feed("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n".getBytes(StandardCharsets.ISO_8859_1));
        String trailers = "X-T: 1\r\n".repeat(20) + "\r\n";
        assertEquals(HttpInspector.TOO_LARGE, engine.feed(trailers.getBytes(StandardCharsets.ISO_8859_1)));
    }

    /** Every prefix and many mutations of every fixture and malformed case: never a throw. */
    static Stream<Arguments> truncatedAndMutatedInputs() {
        List<byte[]> sources = new ArrayList<>();
        for (String fixture : List.of("get-simple.http", "post-content-length.http", "post-chunked.http",
                "pipelined.http", "connect.http", "absolute-form.http", "upgrade-websocket.http")) {
            sources.add(Fixtures.http(fixture));
        }
        sources.add(Fixtures.hex("tls-client-hello-prefix.hex"));
        malformedHeads().forEach(a -> sources.add(((String) a.get()[1]).getBytes(StandardCharsets.ISO_8859_1)));
        List<Arguments> inputs = new ArrayList<>();
        Random random = new Random(7);
        for (byte[] source : sources) {
            for (int length = 0; length <= source.length; length++) {
                inputs.add(Arguments.of(Arrays.copyOf(source, length)));
            }
            for (int i = 0; i < 40; i++) {
                byte[] mutated = source.clone();
                for (int flips = 1 + random.nextInt(4); flips > 0 && mutated.length > 0; flips--) {
                    mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
                }
                inputs.add(Arguments.of(mutated));
            }
        }
        return inputs.stream();
    }

    @ParameterizedTest
    @MethodSource("truncatedAndMutatedInputs")
    void neverThrowsOnTruncatedOrMutatedInput(byte[] input) {
        EngineSimulator engine = new EngineSimulator(false);
        int result = engine.feed(input);
        assertTrue(result >= NEED_MORE && result <= MALFORMED, "result " + result);
        EngineSimulator small = new EngineSimulator(64, true);
        small.feedInPieces(input, 5, 1, 2);
        HttpInspector.mayBeHttp(input, 0, input.length);
    }
}
