package org.nfqwall.inspect.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/**
 * Decides how a request's body is framed (RFC 9112 6), rejecting every framing that two parsers
 * could read differently, since that is how requests are smuggled past a firewall. Static, pure.
 */
final class RequestFraming {
    /** The body is chunked. */
    static final long CHUNKED = -1;
    /** The framing is ambiguous or invalid: the request is MALFORMED. */
    static final long INVALID = -2;
    /** Content-Length values longer than this are rejected (more than 10^17 bytes is no body). */
    static final int MAX_CONTENT_LENGTH_DIGITS = 17;

    private RequestFraming() {
    }

    /**
     * Returns the Content-Length (0 when the request has no body framing), {@link #CHUNKED} or
     * {@link #INVALID}. Invalid: both Transfer-Encoding and Content-Length; Transfer-Encoding in an
     * HTTP/1.0 request (RFC 9112 6.1); a final coding other than chunked, or chunked twice;
     * Content-Length values that are not all the same run of digits.
     */
    static long bodyLength(HttpHeaders headers, boolean http10) {
        // Most requests have neither header: two lookups then, instead of two lists.
        if (!headers.contains(HttpHeaderNames.CONTENT_LENGTH) && !headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            return 0;
        }
        List<String> lengths = headers.getAll(HttpHeaderNames.CONTENT_LENGTH);
        List<String> codings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (!codings.isEmpty()) {
            return lengths.isEmpty() && !http10 && endsWithSingleChunked(codings) ? CHUNKED : INVALID;
        }
        long length = 0;
        boolean seen = false;
        for (int i = 0; i < lengths.size(); i++) {
            // "Content-Length: 5, 5" is a list of the same value (RFC 9110 8.6).
            for (String element : lengths.get(i).split(",", -1)) {
                long value = parseDigits(element.trim());
                if (value < 0 || seen && value != length) {
                    return INVALID;
                }
                length = value;
                seen = true;
            }
        }
        return length;
    }

    private static boolean endsWithSingleChunked(List<String> headerValues) {
        int chunked = 0;
        String last = null;
        for (int i = 0; i < headerValues.size(); i++) {
            for (String element : headerValues.get(i).split(",", -1)) {
                String coding = element.trim();
                if (coding.isEmpty()) {
                    continue; // empty list elements are allowed (RFC 9110 5.6.1)
                }
                if (coding.equalsIgnoreCase("chunked")) {
                    chunked++;
                }
                last = coding;
            }
        }
        return chunked == 1 && last.equalsIgnoreCase("chunked");
    }

    private static long parseDigits(String s) {
        if (s.isEmpty() || s.length() > MAX_CONTENT_LENGTH_DIGITS) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
