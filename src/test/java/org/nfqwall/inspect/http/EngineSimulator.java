package org.nfqwall.inspect.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Drives an {@link HttpInspector} the way the engine does: keeps the flow's unconsumed bytes,
 * appends each new piece, calls inspect until it needs more, and drops what it consumed.
 * Optionally skips body bytes through {@link HttpStreamState#skip} instead of handing them over.
 */
final class EngineSimulator {
    /** Bytes in front of the data in the array handed to inspect, so offsets are exercised. */
    private static final int PADDING = 3;
    private static final int MAX_CALLS_PER_PIECE = 1000;

    final HttpInspector inspector;
    final HttpStreamState state = new HttpStreamState();
    final HttpRequestHead head = new HttpRequestHead();
    /** One line per request returned, see {@link #describe}. */
    final List<String> requests = new ArrayList<>();
    private final boolean skipBodies;
    private byte[] pending = new byte[0];
    long skippedBytes;
    int lastResult = HttpInspector.NEED_MORE;

    EngineSimulator(boolean skipBodies) {
        this(HttpInspector.DEFAULT_MAX_HEAD_BYTES, skipBodies);
    }

    EngineSimulator(int maxHeadBytes, boolean skipBodies) {
        this.inspector = new HttpInspector(maxHeadBytes);
        this.skipBodies = skipBodies;
        state.reset();
    }

    /** Feeds {@code bytes} split at the given cut positions (ascending); returns the last result. */
    int feedCut(byte[] bytes, int... cuts) {
        int from = 0;
        for (int cut : cuts) {
            feed(Arrays.copyOfRange(bytes, from, cut));
            from = cut;
        }
        return feed(Arrays.copyOfRange(bytes, from, bytes.length));
    }

    /** Feeds {@code bytes} in pieces of the given sizes, repeated as needed. */
    int feedInPieces(byte[] bytes, int... sizes) {
        int from = 0;
        for (int i = 0; from < bytes.length; i++) {
            int to = Math.min(bytes.length, from + sizes[i % sizes.length]);
            feed(Arrays.copyOfRange(bytes, from, to));
            from = to;
        }
        return lastResult;
    }

    /** Appends a piece and inspects until the inspector needs more or stops. */
    int feed(byte[] piece) {
        if (isFinal()) {
            return lastResult;
        }
        pending = concat(pending, piece);
        for (int calls = 0; calls < MAX_CALLS_PER_PIECE; calls++) {
            if (skipBodies && state.skippableBytes() > 0 && pending.length > 0) {
                long n = Math.min(state.skippableBytes(), pending.length);
                state.skip(n);
                skippedBytes += n;
                pending = Arrays.copyOfRange(pending, (int) n, pending.length);
                continue;
            }
            byte[] padded = new byte[PADDING + pending.length];
            System.arraycopy(pending, 0, padded, PADDING, pending.length);
            int result = inspector.inspect(state, padded, PADDING, pending.length, head);
            int consumed = inspector.consumed();
            if (consumed < 0 || consumed > pending.length) {
                throw new AssertionError("consumed " + consumed + " of " + pending.length);
            }
            pending = Arrays.copyOfRange(pending, consumed, pending.length);
            lastResult = result;
            if (result == HttpInspector.REQUEST) {
                if (consumed == 0) {
                    throw new AssertionError("REQUEST without consuming anything");
                }
                requests.add(describe(head));
                continue;
            }
            if (result != HttpInspector.NEED_MORE || !skipBodies || state.skippableBytes() == 0 || pending.length == 0) {
                return result;
            }
        }
        throw new AssertionError("no progress after " + MAX_CALLS_PER_PIECE + " calls");
    }

    boolean isFinal() {
        return lastResult == HttpInspector.NOT_HTTP || lastResult == HttpInspector.TOO_LARGE
                || lastResult == HttpInspector.MALFORMED;
    }

    /** Bytes held back for the next call. */
    int pendingBytes() {
        return pending.length;
    }

    /** "METHOD host path?query" with the host the server would serve; "-" for null. */
    static String describe(HttpRequestHead h) {
        String host = h.host() == null ? "-" : h.host();
        String path = h.path() == null ? "-" : h.path();
        return h.method() + " " + host + " " + path + (h.query() == null ? "" : "?" + h.query());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
