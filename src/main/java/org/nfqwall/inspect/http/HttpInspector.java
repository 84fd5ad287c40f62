package org.nfqwall.inspect.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Objects;

/**
 * Finds HTTP/1.x request heads in a TCP flow's client-to-server bytes, decodes each with netty's
 * {@code HttpRequestDecoder} and fills an {@link HttpRequestHead} with what rules match; skips
 * bodies by their framing without buffering them, so pipelined and keep-alive requests are each
 * seen.
 *
 * <p>The engine hands {@link #inspect} the flow's bytes that have not been consumed yet, in
 * stream order, and discards the first {@link #consumed()} of them afterwards. One call returns at
 * most one request; the engine calls again with the rest.
 *
 * <p>Results: {@link #NEED_MORE}; {@link #REQUEST}; {@link #NOT_HTTP} when the bytes at a request
 * boundary cannot start a request (a TLS record, binary, the HTTP/2 prior-knowledge preface
 * "PRI * HTTP/2.0", or a tunnel after CONNECT or Upgrade, see
 * {@link HttpStreamState#upgradeRequested()}); {@link #TOO_LARGE} when a head has no end within
 * the limit; {@link #MALFORMED} when netty rejects a head, the body framing is ambiguous (the
 * request smuggling cases, see {@link RequestFraming}), Host headers disagree, the target does not
 * fit the method, or a chunked body is broken. The last three results are final for the flow:
 * later calls return them again. Hosts are handed over raw: whether one is valid is for the
 * caller to judge.
 *
 * <p>Allocation: a head costs about a kilobyte (netty's request object and the strings of the
 * result); bytes in bodies cost nothing. One instance per worker thread; not thread-safe.
 */
public final class HttpInspector {
    /** Default longest request head, request line and headers included: {@value} bytes. */
    public static final int DEFAULT_MAX_HEAD_BYTES = 16384;
    /** Longest method token accepted when deciding whether bytes are HTTP: {@value}. */
    public static final int MAX_METHOD_LENGTH = 20;

    public static final int NEED_MORE = 0;
    public static final int REQUEST = 1;
    public static final int NOT_HTTP = 2;
    public static final int TOO_LARGE = 3;
    public static final int MALFORMED = 4;

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte[] H2_PREFACE = "PRI * HTTP/2.0".getBytes(StandardCharsets.US_ASCII);

    private final int maxHeadBytes;
    private final HeadDecoder decoder;
    /** The head bytes handed to netty, copied so no wrapper is allocated per head. */
    private final ByteBuf headBuffer;
    private int consumed;

    /**
     * @param maxHeadBytes the longest request head accepted, at least 64; longer heads, and
     *     chunked trailer sections, are {@link #TOO_LARGE}
     */
    public HttpInspector(int maxHeadBytes) {
        if (maxHeadBytes < 64) {
            throw new IllegalArgumentException("maxHeadBytes must be at least 64, got " + maxHeadBytes);
        }
        this.maxHeadBytes = maxHeadBytes;
        this.decoder = new HeadDecoder(maxHeadBytes);
        this.headBuffer = Unpooled.buffer(maxHeadBytes, maxHeadBytes);
    }

    /** The longest request head this inspector accepts. */
    public int maxHeadBytes() {
        return maxHeadBytes;
    }

    /**
     * Inspects {@code data[off, off+len)}, the flow's unconsumed client bytes, and returns one of
     * the result constants; fills {@code out} on {@link #REQUEST}. Never throws on any bytes.
     *
     * @throws IndexOutOfBoundsException if {@code [off, off+len)} is not inside {@code data}
     */
    public int inspect(HttpStreamState s, byte[] data, int off, int len, HttpRequestHead out) {
        Objects.checkFromIndexSize(off, len, data.length);
        consumed = 0;
        int pos = off;
        int end = off + len;
        while (true) {
            switch (s.phase) {
                case HttpStreamState.FAILED:
                    return s.failure;
                case HttpStreamState.HEAD:
                    return head(s, data, pos, end, off, out);
                case HttpStreamState.FIXED_BODY: {
                    int n = (int) Math.min(s.remaining, end - pos);
                    pos += n;
                    s.remaining -= n;
                    if (s.remaining > 0) {
                        consumed = pos - off;
                        return NEED_MORE;
                    }
                    s.phase = HttpStreamState.HEAD;
                    break;
                }
                default: {
                    pos = ChunkedBodySkipper.advance(s, data, pos, end, maxHeadBytes);
                    if (s.phase == HttpStreamState.FAILED) {
                        return s.failure;
                    }
                    if (s.phase != HttpStreamState.HEAD) {
                        consumed = pos - off;
                        return NEED_MORE;
                    }
                }
            }
        }
    }

    /**
     * How many bytes of the last {@link #inspect} call's range it is done with: leading empty
     * lines, body bytes, and the head on {@link #REQUEST}; may be above 0 with NEED_MORE; 0 after
     * NOT_HTTP, TOO_LARGE and MALFORMED.
     */
    public int consumed() {
        return consumed;
    }

    /**
     * Whether {@code data[off, off+len)} could be the start of an HTTP/1.x request: optional empty
     * lines, then a method token (RFC 9110 tchar, 1 to {@value #MAX_METHOD_LENGTH} characters) and
     * a space, or a prefix of that; not the HTTP/2 preface. Empty input may be HTTP.
     */
    public static boolean mayBeHttp(byte[] data, int off, int len) {
        if (off < 0 || len < 0 || off > data.length - len) {
            return false;
        }
        int end = off + len;
        int p = skipEmptyLines(data, off, end);
        return methodLength(data, p, end) >= 0 && h2Preface(data, p, end) != NOT_HTTP;
    }

    /*
     *   HTTP-message = start-line CRLF *( field-line CRLF ) CRLF [ message-body ]   (RFC 9112 2.1)
     *   request-line = method SP request-target SP HTTP-version                   (RFC 9112 3)
     *
     * The head is searched here, not by netty, so that the decision NOT_HTTP comes from the first
     * bytes and a head is decoded only once it is complete. It ends at the first empty line: an LF
     * followed by LF or by CR LF.
     */
    private int head(HttpStreamState s, byte[] data, int pos, int end, int off, HttpRequestHead out) {
        int p = skipEmptyLines(data, pos, end); // RFC 9112 2.2
        if (p > pos) {
            s.headScanned = 0;
        }
        consumed = p - off;
        int method = methodLength(data, p, end);
        if (method < 0) {
            return fail(s, NOT_HTTP);
        }
        if (method == 0) {
            return NEED_MORE;
        }
        int preface = h2Preface(data, p, end);
        if (preface != REQUEST) {
            return preface == NOT_HTTP ? fail(s, NOT_HTTP) : NEED_MORE;
        }
        int limit = (int) Math.min(end, (long) p + maxHeadBytes);
        // Bytes searched in an earlier call are not searched again, except the last two, whose
        // look-ahead may have been cut off.
        int i = Math.min(limit, p + Math.max(0, s.headScanned - 2));
        for (; i < limit; i++) {
            if (data[i] != LF) {
                continue;
            }
            int headEnd = -1;
            if (i + 1 < limit && data[i + 1] == LF) {
                headEnd = i + 2;
            } else if (i + 2 < limit && data[i + 1] == CR && data[i + 2] == LF) {
                headEnd = i + 3;
            }
            if (headEnd >= 0) {
                s.headScanned = 0;
                int result = decode(s, data, p, headEnd - p, out);
                if (result == REQUEST) {
                    consumed = headEnd - off;
                    return REQUEST;
                }
                return fail(s, result);
            }
        }
        if (end - p >= maxHeadBytes) {
            return fail(s, TOO_LARGE);
        }
        s.headScanned = limit - p;
        return NEED_MORE;
    }

    private int fail(HttpStreamState s, int result) {
        consumed = 0;
        s.fail(result);
        return result;
    }

    private int decode(HttpStreamState s, byte[] data, int p, int length, HttpRequestHead out) {
        out.clear();
        headBuffer.clear().writeBytes(data, p, length);
        HttpRequest request = decoder.decodeHead(headBuffer);
        if (request == null) {
            return MALFORMED;
        }
        HttpVersion version = request.protocolVersion();
        String target = utf8(request.uri());
        if (version.majorVersion() != 1 || version.minorVersion() > 1 || !isVisible(request.uri())) {
            return MALFORMED;
        }
        String method = request.method().name();
        out.requestLine(method, target, version.text());
        HttpHeaders headers = request.headers();
        long body = RequestFraming.bodyLength(headers, version.minorVersion() == 0);
        if (body == RequestFraming.INVALID || !host(headers, out) || !RequestTargets.split(method, target, out)) {
            return MALFORMED;
        }
        out.keepAlive(HttpUtil.isKeepAlive(request));
        s.upgradeRequested = "CONNECT".equals(method) || headers.contains(HttpHeaderNames.UPGRADE);
        if (body == RequestFraming.CHUNKED) {
            ChunkedBodySkipper.begin(s);
        } else if (body > 0) {
            s.phase = HttpStreamState.FIXED_BODY;
            s.remaining = body;
        } else {
            s.phase = HttpStreamState.HEAD;
        }
        return REQUEST;
    }

    /**
     * Sets the host header from the first Host field, trimmed and otherwise raw (the engine
     * judges it); false if Host fields differ, compared trimmed and ignoring case: servers take
     * either the first or the last, so a rule could see one host and the server serve another.
     */
    private static boolean host(HttpHeaders headers, HttpRequestHead out) {
        // One iterator rather than getAll's list: most requests carry exactly one Host header.
        // Netty iterates a name's values newest first, so the last one seen is the request's first
        // (HttpInspectorTest.acceptsRepeatedIdenticalHostHeaders holds this).
        Iterator<String> hosts = headers.valueStringIterator(HttpHeaderNames.HOST);
        String first = null;
        while (hosts.hasNext()) {
            String host = hosts.next().trim();
            if (first != null && !host.equalsIgnoreCase(first)) {
                return false;
            }
            first = host;
        }
        if (first == null) {
            return true;
        }
        out.hostHeader(first.isEmpty() ? null : utf8(first));
        return true;
    }

    /** Skips CR and LF bytes from {@code p}; returns the index of the first other byte or end. */
    private static int skipEmptyLines(byte[] data, int p, int end) {
        while (p < end && (data[p] == CR || data[p] == LF)) {
            p++;
        }
        return p;
    }

    /**
     * The length of the method token at {@code p} if a space follows it, 0 if the bytes so far
     * could still be one (need more), -1 if they cannot.
     */
    private static int methodLength(byte[] data, int p, int end) {
        for (int i = 0; p + i < end; i++) {
            byte b = data[p + i];
            if (b == ' ') {
                return i > 0 ? i : -1;
            }
            if (i == MAX_METHOD_LENGTH || !isTchar(b)) {
                return -1;
            }
        }
        return 0;
    }

    /**
     * NOT_HTTP if the HTTP/2 connection preface starts at {@code p} (h2 with prior knowledge,
     * RFC 9113 3.4: not an HTTP/1.x request, though its first line looks like one), NEED_MORE if
     * the bytes so far are a prefix of it, REQUEST otherwise.
     */
    private static int h2Preface(byte[] data, int p, int end) {
        for (int i = 0; i < H2_PREFACE.length; i++) {
            if (p + i == end) {
                return NEED_MORE;
            }
            if (data[p + i] != H2_PREFACE[i]) {
                return REQUEST;
            }
        }
        return NOT_HTTP;
    }

    /*
     *   tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
     *           "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA                       (RFC 9110 5.6.2)
     */
    private static boolean isTchar(byte b) {
        return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
                || "!#$%&'*+-.^_`|~".indexOf(b) >= 0;
    }

    /** True if the target has no controls, spaces or DEL; octets above 0x7F are allowed. */
    private static boolean isVisible(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    /**
     * Netty hands octets above 0x7F over as ISO-8859-1 characters; reads them as UTF-8 instead,
     * invalid UTF-8 as U+FFFD.
     */
    private static String utf8(String latin1) {
        int i = 0;
        while (i < latin1.length() && latin1.charAt(i) < 0x80) {
            i++;
        }
        if (i == latin1.length()) {
            return latin1;
        }
        return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }
}
