package org.nfqwall.inspect.tls;

import java.util.Objects;

/**
 * Finds the TLS ClientHello at the start of a TCP flow's client-to-server bytes, however it is
 * cut into records and segments, and reads its server name, ALPN ids and ECH presence with
 * {@link ClientHelloParser}.
 *
 * <p>The engine hands {@link #inspect} all of the flow's bytes that have not been consumed yet, in
 * stream order, after each new segment, and discards the first {@link #consumed()} of them
 * afterwards. Until the hello is complete nothing is consumed and {@link #NEED_MORE} is returned;
 * {@link TlsStreamState} remembers the records already walked, so each byte is looked at about
 * once however small the segments. The records are walked from the first byte (RFC 8446 5.1):
 *
 * <pre>
 *   +--------------+-------------------------+-----------------+--------------------+
 *   | type (u8)    | legacy_record_version   | length (uint16) | fragment           |
 *   | 22=handshake | 0x0300..0x0304          | 1..2^14         |                    |
 *   +--------------+-------------------------+-----------------+--------------------+
 * </pre>
 *
 * <p>The handshake fragments of any number of records are joined (in a scratch buffer of
 * {@code maxClientHelloBytes}, only when there is more than one record) until the first
 * handshake message is complete; then it is parsed, {@link #CLIENT_HELLO} is returned and
 * {@link #consumed()} is the length of the records that carried it.
 *
 * <p>Policy; every result but NEED_MORE and CLIENT_HELLO is final for the flow (later calls
 * return it again) and the engine decides such a flow as protocol unknown:
 * <ul>
 *   <li>{@link #NOT_TLS}: the first record header (as far as it has arrived) is not a handshake
 *       record with a version 3.0-3.4 and a length of 1 to 2^14 ({@link #mayBeTls}): HTTP,
 *       BitTorrent, SSLv2-style hellos, anything else.</li>
 *   <li>{@link #MALFORMED}: a later record of another type before the hello is complete (alert,
 *       change_cipher_spec, application_data: nothing may precede a ClientHello), a later record
 *       with a bad version or length, a first handshake message that is not a ClientHello, a
 *       hello that does not end where a record ends (RFC 8446 5.1: a ClientHello must end at a
 *       record boundary), or a hello {@link ClientHelloParser} refuses (inconsistent lengths,
 *       duplicate extensions, bad server_name or ALPN lists; see there).</li>
 *   <li>{@link #TOO_LARGE}: the handshake message, its 4-byte header included, is longer than
 *       {@code maxClientHelloBytes}, or the records before it is complete carry more handshake
 *       bytes than that. Decided from the lengths, as soon as they arrive. The records carrying
 *       an accepted hello thus take at most {@code maxClientHelloBytes} plus 5 header bytes per
 *       record.</li>
 * </ul>
 * Record lengths up to 2^14 are accepted: RFC 8446 5.1 and RFC 5246 6.2.1 bound a plaintext
 * record so, and servers refuse longer ones (record_overflow). After CLIENT_HELLO the flow's
 * later bytes (a second ClientHello after a HelloRetryRequest included) are not read: later calls
 * consume everything and return NEED_MORE.
 *
 * <p>Allocation: none while bytes arrive; a hello costs the strings of its server name and rare
 * ALPN ids. One instance per worker thread; not thread-safe. Never throws on any bytes.
 */
public final class TlsInspector {
    /** Default longest ClientHello handshake message, header included: {@value} bytes. */
    public static final int DEFAULT_MAX_CLIENT_HELLO_BYTES = 16384;
    /** Smallest accepted maxClientHelloBytes: {@value}. */
    public static final int MIN_MAX_CLIENT_HELLO_BYTES = 64;
    /** Largest accepted maxClientHelloBytes, the uint24 handshake length plus header: {@value}. */
    public static final int MAX_MAX_CLIENT_HELLO_BYTES = (1 << 24) + 3;
    /** TLS record header: type, version, length: {@value} bytes. */
    public static final int RECORD_HEADER_BYTES = 5;
    /** Longest plaintext record fragment (RFC 8446 5.1): {@value} bytes. */
    public static final int MAX_RECORD_LENGTH = 1 << 14;

    public static final int NEED_MORE = 0;
    public static final int CLIENT_HELLO = 1;
    public static final int NOT_TLS = 2;
    public static final int TOO_LARGE = 3;
    public static final int MALFORMED = 4;

    static final int CONTENT_HANDSHAKE = 22;

    private final int maxClientHelloBytes;
    /** Where the fragments of a hello spread over several records are joined. */
    private final byte[] scratch;
    private int consumed;

    /**
     * @param maxClientHelloBytes the longest ClientHello accepted, its 4-byte handshake header
     *     included, from {@value #MIN_MAX_CLIENT_HELLO_BYTES} to {@value #MAX_MAX_CLIENT_HELLO_BYTES};
     *     longer ones are {@link #TOO_LARGE}
     */
    public TlsInspector(int maxClientHelloBytes) {
        if (maxClientHelloBytes < MIN_MAX_CLIENT_HELLO_BYTES || maxClientHelloBytes > MAX_MAX_CLIENT_HELLO_BYTES) {
            throw new IllegalArgumentException("maxClientHelloBytes must be " + MIN_MAX_CLIENT_HELLO_BYTES + ".."
                    + MAX_MAX_CLIENT_HELLO_BYTES + ", got " + maxClientHelloBytes);
        }
        this.maxClientHelloBytes = maxClientHelloBytes;
        this.scratch = new byte[maxClientHelloBytes];
    }

    /** The longest ClientHello this inspector accepts, header included. */
    public int maxClientHelloBytes() {
        return maxClientHelloBytes;
    }

    /**
     * Inspects {@code data[off, off+len)}, the flow's unconsumed client bytes from its first byte
     * on, and returns one of the result constants; fills {@code out} on {@link #CLIENT_HELLO}, and
     * sets only {@link ClientHelloInfo#problem()} on the failures. Never throws on any bytes.
     *
     * @throws IndexOutOfBoundsException if {@code [off, off+len)} is not inside {@code data}
     */
    public int inspect(TlsStreamState s, byte[] data, int off, int len, ClientHelloInfo out) {
        Objects.checkFromIndexSize(off, len, data.length);
        consumed = 0;
        if (s.phase == TlsStreamState.DONE) {
            consumed = len;
            return NEED_MORE;
        }
        if (s.phase == TlsStreamState.FAILED) {
            return s.failure;
        }
        if (s.scanned > len) {
            s.rewind(); // fewer bytes than last time: not how the engine calls, but never misread
        }
        int end = off + len;
        int pos = off + s.scanned;
        while (true) {
            boolean first = s.records == 0;
            String bad = recordHeaderProblem(data, pos, Math.min(end - pos, RECORD_HEADER_BYTES), first);
            if (bad != null) {
                return fail(s, out, first ? NOT_TLS : MALFORMED, bad);
            }
            if (end - pos < RECORD_HEADER_BYTES) {
                return NEED_MORE;
            }
            int length = ClientHelloParser.u16(data, pos + 3);
            int body = pos + RECORD_HEADER_BYTES;
            int available = Math.min(length, end - body);
            // The handshake header so far: the walked records' bytes, then this record's.
            int header = s.handshakeHeader;
            int headerBytes = Math.min(s.fragmentBytes, ClientHelloParser.HANDSHAKE_HEADER_BYTES);
            for (int i = body; headerBytes < ClientHelloParser.HANDSHAKE_HEADER_BYTES && i < body + available; i++) {
                header = header << 8 | data[i] & 0xff;
                headerBytes++;
            }
            if (headerBytes > 0 && header >>> 8 * (headerBytes - 1) != ClientHelloParser.CLIENT_HELLO) {
                return fail(s, out, MALFORMED, "first handshake message is not a ClientHello");
            }
            int fragments = s.fragmentBytes + length;
            int messageBytes = -1;
            if (headerBytes == ClientHelloParser.HANDSHAKE_HEADER_BYTES) {
                messageBytes = ClientHelloParser.HANDSHAKE_HEADER_BYTES + (header & 0xffffff);
                if (messageBytes > maxClientHelloBytes) {
                    return fail(s, out, TOO_LARGE, "ClientHello longer than the limit");
                }
                if (fragments > messageBytes) {
                    return fail(s, out, MALFORMED, "ClientHello does not end where a record ends");
                }
            } else if (fragments > maxClientHelloBytes) {
                return fail(s, out, TOO_LARGE, "handshake records longer than the limit");
            }
            if (available < length) {
                return NEED_MORE;
            }
            s.handshakeHeader = header;
            s.fragmentBytes = fragments;
            s.records++;
            pos = body + length;
            s.scanned = pos - off;
            if (fragments == messageBytes) {
                return hello(s, data, off, messageBytes, out);
            }
        }
    }

    /**
     * How many bytes of the last {@link #inspect} call's range the engine may discard: the records
     * that carried the hello after {@link #CLIENT_HELLO}, all of them once the hello was read, 0
     * otherwise.
     */
    public int consumed() {
        return consumed;
    }

    /**
     * Whether {@code data[off, off+len)} could be the start of a TLS client's first flight: a
     * handshake record (type 22) with version 3.0 to 3.4 and a length of 1 to 2^14, or a prefix
     * of such a header. Quick content detection: the bytes after the header are not looked at.
     * Empty input may be TLS; a range outside {@code data} is not.
     */
    public static boolean mayBeTls(byte[] data, int off, int len) {
        if (data == null || off < 0 || len < 0 || off > data.length - len) {
            return false;
        }
        return recordHeaderProblem(data, off, Math.min(len, RECORD_HEADER_BYTES), true) == null;
    }

    /** Parses the complete hello of the walked records, joining their fragments when several. */
    private int hello(TlsStreamState s, byte[] data, int off, int messageBytes, ClientHelloInfo out) {
        int result;
        if (s.records == 1) {
            result = ClientHelloParser.parse(data, off + RECORD_HEADER_BYTES, messageBytes, out);
        } else {
            int p = off;
            int w = 0;
            for (int r = 0; r < s.records; r++) {
                int length = ClientHelloParser.u16(data, p + 3);
                System.arraycopy(data, p + RECORD_HEADER_BYTES, scratch, w, length);
                w += length;
                p += RECORD_HEADER_BYTES + length;
            }
            result = ClientHelloParser.parse(scratch, 0, w, out);
        }
        if (result != ClientHelloParser.OK) {
            s.fail(MALFORMED);
            return MALFORMED;
        }
        s.phase = TlsStreamState.DONE;
        consumed = s.scanned;
        return CLIENT_HELLO;
    }

    private static int fail(TlsStreamState s, ClientHelloInfo out, int result, String why) {
        s.fail(result);
        out.clear();
        out.problem(why);
        return result;
    }

    /**
     * What is wrong with the first {@code n} (at most 5) bytes of a record header at {@code p}
     * for a record before the ClientHello is complete, or null if nothing (yet).
     */
    private static String recordHeaderProblem(byte[] data, int p, int n, boolean first) {
        if (n >= 1 && data[p] != CONTENT_HANDSHAKE) {
            return first ? "not a TLS handshake record" : "record other than handshake before the ClientHello ended";
        }
        if (n >= 2 && data[p + 1] != 3 || n >= 3 && (data[p + 2] & 0xff) > 4) {
            return "record version not 3.0 to 3.4";
        }
        if (n >= 5) {
            int length = ClientHelloParser.u16(data, p + 3);
            if (length == 0 || length > MAX_RECORD_LENGTH) {
                return "record length not 1 to 2^14";
            }
        }
        return null;
    }
}
