package org.nfqwall.inspect.http;

import static org.nfqwall.inspect.http.HttpStreamState.CHUNK_DATA;
import static org.nfqwall.inspect.http.HttpStreamState.CHUNK_DATA_END;
import static org.nfqwall.inspect.http.HttpStreamState.CHUNK_EXTENSION;
import static org.nfqwall.inspect.http.HttpStreamState.CHUNK_SIZE;
import static org.nfqwall.inspect.http.HttpStreamState.CHUNK_SIZE_END;
import static org.nfqwall.inspect.http.HttpStreamState.HEAD;
import static org.nfqwall.inspect.http.HttpStreamState.TRAILERS;

/**
 * Walks a chunked body byte by byte, keeping its place in {@link HttpStreamState} so a body may
 * arrive in any pieces, and storing none of it. Static; the state belongs to the caller's thread.
 *
 * <pre>
 *   chunked-body = *chunk last-chunk trailer-section CRLF              (RFC 9112 7.1)
 *   chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 *   last-chunk   = 1*("0") [ chunk-ext ] CRLF
 *   chunk-ext    = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
 *
 *   "1a;name=value\r\n" 26 bytes "\r\n" ... "0\r\n" "Trailer: x\r\n" "\r\n"
 * </pre>
 * A bare LF ends a line, as it does for heads; a CR not followed by LF is rejected, since parsers
 * disagree on it.
 */
final class ChunkedBodySkipper {
    /**
     * Longest chunk-size line, extensions included: {@value} bytes. Real clients send a few hex
     * digits; an endless line would keep the flow in limbo.
     */
    static final int MAX_CHUNK_LINE_BYTES = 1024;
    /** Largest chunk size accepted, so that the size never overflows a long. */
    private static final long MAX_CHUNK_SIZE = Long.MAX_VALUE;

    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private ChunkedBodySkipper() {
    }

    /** Puts the state at the start of a chunked body. */
    static void begin(HttpStreamState s) {
        s.phase = CHUNK_SIZE;
        startChunkLine(s);
    }

    /**
     * Consumes body bytes from {@code data[pos, end)} until the body ends (phase HEAD), the bytes
     * run out, or the body is invalid (the state fails with MALFORMED, or TOO_LARGE for trailers
     * longer than {@code maxTrailerBytes}). Returns the index of the first byte not consumed.
     */
    static int advance(HttpStreamState s, byte[] data, int pos, int end, int maxTrailerBytes) {
        while (pos < end) {
            switch (s.phase) {
                case CHUNK_DATA: {
                    if (s.remaining > 0) {
                        int n = (int) Math.min(s.remaining, end - pos);
                        pos += n;
                        s.remaining -= n;
                    } else {
                        s.phase = CHUNK_DATA_END;
                    }
                    break;
                }
                case CHUNK_DATA_END: {
                    byte b = data[pos++];
                    if (b == LF) {
                        s.crPending = false;
                        s.phase = CHUNK_SIZE;
                        startChunkLine(s);
                    } else if (b == CR && !s.crPending) {
                        s.crPending = true;
                    } else {
                        s.fail(HttpInspector.MALFORMED);
                        return pos;
                    }
                    break;
                }
                case CHUNK_SIZE:
                case CHUNK_SIZE_END:
                case CHUNK_EXTENSION: {
                    if (!chunkLineByte(s, data[pos++])) {
                        s.fail(HttpInspector.MALFORMED);
                        return pos;
                    }
                    break;
                }
                case TRAILERS: {
                    if (++s.trailerBytes > maxTrailerBytes) {
                        s.fail(HttpInspector.TOO_LARGE);
                        return pos;
                    }
                    byte b = data[pos++];
                    if (b == LF) {
                        s.crPending = false;
                        if (s.lineBytes == 0) {
                            s.phase = HEAD;
                            return pos;
                        }
                        s.lineBytes = 0;
                    } else if (s.crPending) {
                        s.fail(HttpInspector.MALFORMED);
                        return pos;
                    } else if (b == CR) {
                        s.crPending = true;
                    } else {
                        s.lineBytes++;
                    }
                    break;
                }
                default:
                    throw new IllegalStateException("not in a chunked body: " + s);
            }
        }
        return pos;
    }

    /** One byte of a chunk-size line; false if the line is invalid. */
    private static boolean chunkLineByte(HttpStreamState s, byte b) {
        if (++s.lineBytes > MAX_CHUNK_LINE_BYTES) {
            return false;
        }
        if (b == LF) {
            return endChunkLine(s);
        }
        if (s.crPending) {
            return false;
        }
        if (b == CR) {
            s.crPending = true;
            return true;
        }
        boolean blank = b == ' ' || b == '\t';
        switch (s.phase) {
            case CHUNK_SIZE: {
                int digit = HttpNormalizer.hexValue((char) (b & 0xff));
                if (digit >= 0) {
                    if (s.chunkSize > MAX_CHUNK_SIZE >>> 4) {
                        return false;
                    }
                    s.chunkSize = s.chunkSize << 4 | digit;
                    s.chunkDigits++;
                    return true;
                }
                if (s.chunkDigits == 0 || !(blank || b == ';')) {
                    return false;
                }
                s.phase = b == ';' ? CHUNK_EXTENSION : CHUNK_SIZE_END;
                return true;
            }
            case CHUNK_SIZE_END:
                if (b == ';') {
                    s.phase = CHUNK_EXTENSION;
                }
                return blank || b == ';';
            default:
                // Extension names and values are skipped; only controls other than HTAB are refused.
                return b == '\t' || (b & 0xff) >= 0x20 && b != 0x7f;
        }
    }

    private static boolean endChunkLine(HttpStreamState s) {
        if (s.chunkDigits == 0) {
            return false;
        }
        s.crPending = false;
        if (s.chunkSize == 0) {
            s.phase = TRAILERS;
            s.lineBytes = 0;
            s.trailerBytes = 0;
        } else {
            s.phase = CHUNK_DATA;
            s.remaining = s.chunkSize;
        }
        return true;
    }

    private static void startChunkLine(HttpStreamState s) {
        s.lineBytes = 0;
        s.chunkSize = 0;
        s.chunkDigits = 0;
        s.crPending = false;
    }
}
