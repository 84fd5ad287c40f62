package org.nfqwall.inspect.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * Netty's request decoder driven one complete head at a time, outside any channel.
 *
 * <p>The inspector finds where a head ends and handles bodies itself, so the decoder only ever
 * sees one head; it is reset before each. {@code HttpObjectDecoder.decode} does not use its
 * context argument (checked for netty 4.1.115; HttpInspectorTest would fail on every request if
 * that changed), which saves an EmbeddedChannel and its per-message bookkeeping.
 *
 * <p>One per {@link HttpInspector}; not thread-safe.
 */
final class HeadDecoder extends HttpRequestDecoder {
    private final List<Object> out = new ArrayList<>(4);

    HeadDecoder(int maxHeadBytes) {
        super(new HttpDecoderConfig()
                .setMaxInitialLineLength(maxHeadBytes)
                .setMaxHeaderSize(maxHeadBytes)
                .setInitialBufferSize(Math.min(maxHeadBytes, 256))
                .setValidateHeaders(true)
                // The inspector compares repeated Content-Length values itself (RequestFraming).
                .setAllowDuplicateContentLengths(true));
    }

    /**
     * Decodes the complete head in {@code head}; returns the request, or null if netty rejects it.
     */
    HttpRequest decodeHead(ByteBuf head) {
        reset();
        out.clear();
        HttpRequest request = null;
        try {
            decode(null, head, out);
        } catch (Exception e) {
            // The decoder reports bad input through decoderResult; anything thrown is also bad input.
            request = null;
        }
        for (int i = 0; i < out.size(); i++) {
            Object message = out.get(i);
            if (request == null && message instanceof HttpRequest) {
                request = (HttpRequest) message;
            }
            ReferenceCountUtil.release(message);
        }
        out.clear();
        return request != null && request.decoderResult().isSuccess() ? request : null;
    }

    /**
     * Keeps Content-Length next to "Transfer-Encoding: chunked" instead of dropping it as netty
     * does (RFC 9112 6.3 lets a proxy do that), so that the inspector sees the pair: two framings
     * in one request are the classic smuggling vector, and it rejects them.
     */
    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    }
}
