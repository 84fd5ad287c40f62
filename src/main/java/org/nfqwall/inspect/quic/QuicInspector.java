package org.nfqwall.inspect.quic;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.nfqwall.inspect.tls.ClientHelloInfo;
import org.nfqwall.inspect.tls.ClientHelloParser;

/**
 * Reads the TLS ClientHello that a QUIC client sends in its Initial packets (QUIC version 1,
 * RFC 9000 and RFC 9001; version 2, RFC 9369): derives the Initial keys from the Destination
 * Connection ID, removes header protection, decrypts, walks the frames, reassembles the CRYPTO
 * stream and parses the first handshake message with {@link ClientHelloParser}.
 *
 * <p>Results of {@link #inspect}, for one client-to-server datagram:
 * <ul>
 * <li>{@link #NOT_QUIC}: not a long header with the fixed bit (or a short header) on a flow where
 *     no QUIC long header was seen.
 * <li>{@link #NEED_MORE}: Initials were read, the ClientHello is not complete yet (also for a
 *     datagram of 0-RTT packets only, which may overtake the last Initial).
 * <li>{@link #CLIENT_HELLO}: {@code out} holds the ClientHello.
 * <li>{@link #UNREADABLE}: QUIC that cannot be read: another version (version negotiation 0
 *     included), an Initial that fails authentication or whose header is broken, an Initial in a
 *     datagram shorter than {@value #MIN_INITIAL_DATAGRAM_BYTES} bytes, Handshake or short header
 *     packets before any ClientHello was read (the handshake went on without us).
 * <li>{@link #MALFORMED}: an authenticated Initial breaks the protocol (a frame not allowed in
 *     Initials, a frame running past the payload, reserved bits set, CRYPTO data that changes
 *     on retransmission), or the first handshake message is not a well-formed ClientHello.
 * <li>{@link #TOO_LARGE}: the ClientHello does not fit the limit.
 * </ul>
 *
 * <p>Only what was authenticated becomes state. Anyone who can see or guess the connection ID can
 * make Initials, but a server drops a packet that fails authentication, that sits in a datagram
 * under 1200 bytes (RFC 9000 14.1) or whose header is broken, and reads a later good one; so
 * such packets are {@link #UNREADABLE} for their datagram only, and leave the flow open to
 * inspection: otherwise a client could send a forged Initial first to have its flow decided
 * without a name, then the real one. The same holds for another version, which version
 * negotiation may follow with a readable one on the same flow.
 *
 * <p>Keys: those of the first Destination Connection ID read. An Initial with another one (after
 * a Retry, RFC 9000 17.2.5.2) gets keys derived for it and, once it authenticates, they replace
 * the old: while no result is final the CRYPTO stream carries on (a client must repeat the same
 * ClientHello after a Retry); after a final result it is a new connection on the same addresses
 * and ports, and its handshake is read from the start. Otherwise {@link #CLIENT_HELLO},
 * {@link #MALFORMED} and {@link #TOO_LARGE} are final: later datagrams return them again
 * ({@link #CLIENT_HELLO} refilling {@code out}).
 *
 * <p>Allocation: none for datagrams that are not Initials; each Initial packet opened costs a few
 * kilobytes in {@code Cipher.init} (the JDK's AES allocates key and parameter objects), and a new
 * connection ID a few hundred bytes more for HKDF. The Ciphers, Mac and buffers are reused. One
 * instance per worker thread; not thread-safe.
 */
public final class QuicInspector {
    /** Default largest ClientHello read: {@value} bytes. */
    public static final int DEFAULT_MAX_CLIENT_HELLO_BYTES = 16384;
    /** Smallest datagram a server accepts an Initial in (RFC 9000 14.1): {@value} bytes. */
    public static final int MIN_INITIAL_DATAGRAM_BYTES = 1200;
    /** Largest UDP payload: {@value} bytes; longer inputs are read up to here. */
    static final int MAX_DATAGRAM_BYTES = 65535;
    private static final int MIN_LIMIT = 64;
    private static final int MAX_LIMIT = 1 << 20;

    public static final int NEED_MORE = 0;
    public static final int CLIENT_HELLO = 1;
    public static final int NOT_QUIC = 2;
    public static final int UNREADABLE = 3;
    public static final int MALFORMED = 4;
    public static final int TOO_LARGE = 5;

    private static final int PACKET_NUMBER_MAX_BYTES = 4;

    private final int maxClientHelloBytes;
    private final InitialKeys keys = new InitialKeys();
    private final PacketProtection protection = new PacketProtection();
    private final byte[] datagram = new byte[MAX_DATAGRAM_BYTES];
    private final byte[] plaintext = new byte[MAX_DATAGRAM_BYTES];
    private final byte[] mask = new byte[PacketProtection.SAMPLE_BYTES];
    private final byte[] candidateKey = new byte[InitialKeys.KEY_BYTES];
    private final byte[] candidateIv = new byte[InitialKeys.IV_BYTES];
    private final byte[] candidateHp = new byte[InitialKeys.HP_KEY_BYTES];

    // What the datagram being inspected held.
    private boolean authenticated;
    private boolean unreadable;
    private boolean zeroRtt;
    private boolean handshake;
    private boolean helloFilled;

    /**
     * @param maxClientHelloBytes the largest ClientHello read, its 4-byte handshake header
     *     included, from 64 to 1 MiB; larger ones are {@link #TOO_LARGE}
     */
    public QuicInspector(int maxClientHelloBytes) {
        if (maxClientHelloBytes < MIN_LIMIT || maxClientHelloBytes > MAX_LIMIT) {
            throw new IllegalArgumentException("maxClientHelloBytes must be from " + MIN_LIMIT + " to "
                    + MAX_LIMIT + ", got " + maxClientHelloBytes);
        }
        this.maxClientHelloBytes = maxClientHelloBytes;
    }

    /** The largest ClientHello this inspector reads. */
    public int maxClientHelloBytes() {
        return maxClientHelloBytes;
    }

    /**
     * A cheap first look: true if {@code buf[off, off+len)} starts with a QUIC long header (RFC
     * 8999 5.1: header form and fixed bit set, connection IDs within the datagram) of a non-zero
     * version, readable (1, 2) or not. Never throws for indexes outside the buffer: false.
     */
    public static boolean mayBeQuic(ByteBuffer buf, int off, int len) {
        if (buf == null || off < 0 || len < 7 || off > buf.limit() - len) {
            return false;
        }
        if ((buf.get(off) & 0xC0) != 0xC0) {
            return false;
        }
        long version = 0;
        for (int i = 1; i <= 4; i++) {
            version = (version << 8) | (buf.get(off + i) & 0xFF);
        }
        int dcidLength = buf.get(off + 5) & 0xFF;
        if (version == 0 || 7 + dcidLength > len) {
            return false;
        }
        int scidLength = buf.get(off + 6 + dcidLength) & 0xFF;
        return 7 + dcidLength + scidLength <= len;
    }

    /**
     * Inspects one UDP datagram's payload {@code buf[off, off+len)} (absolute indexes; it may hold
     * coalesced QUIC packets), sent by the client of flow {@code s}, and returns one of the result
     * constants; fills {@code out} on {@link #CLIENT_HELLO}. Never throws on any bytes; never
     * changes {@code buf}.
     *
     * @throws IndexOutOfBoundsException if the range lies outside {@code buf}'s limit
     */
    public int inspect(QuicFlowState s, ByteBuffer buf, int off, int len, ClientHelloInfo out) {
        Objects.requireNonNull(s, "s");
        Objects.requireNonNull(out, "out");
        Objects.checkFromIndexSize(off, len, buf.limit());
        helloFilled = false;
        if (len < 7 || (buf.get(off) & 0xC0) != 0xC0) {
            return s.seen ? settle(s, UNREADABLE, out) : NOT_QUIC;
        }
        s.seen = true;
        // A copy to unprotect in place: the caller's buffer is the kernel's packet, not ours.
        int n = Math.min(len, MAX_DATAGRAM_BYTES);
        buf.get(off, datagram, 0, n);
        byte[] d = datagram;
        QuicVersion version = QuicVersion.of(u32(d, 1));
        if (version == null) {
            return settle(s, UNREADABLE, out);
        }
        authenticated = false;
        unreadable = false;
        zeroRtt = false;
        handshake = false;
        readPackets(s, version, d, n, len, out);
        if (authenticated) {
            return settle(s, NEED_MORE, out);
        }
        return settle(s, unreadable || handshake || !zeroRtt ? UNREADABLE : NEED_MORE, out);
    }

    /** The flow's final result if it has one (refilling {@code out} for a ClientHello), else {@code outcome}. */
    private int settle(QuicFlowState s, int outcome, ClientHelloInfo out) {
        if (s.result == CLIENT_HELLO && !helloFilled) {
            ClientHelloParser.parse(s.crypto.data(), 0, s.messageLength, out);
            helloFilled = true;
        }
        return s.result != NEED_MORE ? s.result : outcome;
    }

    /**
     * Walks the coalesced long header packets of a datagram (RFC 9000 12.2) and reads each
     * Initial; stops at a short header or zero padding, at a packet of another version or
     * connection ID (which a receiver should ignore), and at a header it cannot delimit.
     *
     * <pre>
     * RFC 9000 17.2 (RFC 9369 3.2 changes only the type bits)
     * +-+-+-+-+-+-+-+-+
     * |1|1|T T|X X X X|  header form, fixed bit, long packet type, protected bits
     * +-+-+-+-+-+-+-+-+
     * |   Version (32)                     |
     * | DCID Len (8) | DCID (0..160)       |
     * | SCID Len (8) | SCID (0..160)       |
     * Initial only:  | Token Length (i) | Token |
     * Initial, 0-RTT, Handshake: | Length (i) | Packet Number (8..32) | Payload |
     *   Length counts the packet number and the payload (AEAD tag included)
     * </pre>
     */
    private void readPackets(QuicFlowState s, QuicVersion v, byte[] d, int n, int datagramLength,
            ClientHelloInfo out) {
        int p = 0;
        int firstDcidOff = -1;
        int firstDcidLength = 0;
        while (p < n && (d[p] & 0xC0) == 0xC0) {
            if (n - p < 7) {
                unreadable = true;
                return;
            }
            if (u32(d, p + 1) != v.number) {
                return;
            }
            int dcidLength = d[p + 5] & 0xFF;
            int dcidOff = p + 6;
            if (dcidLength > QuicFlowState.MAX_CONNECTION_ID_BYTES || dcidOff + dcidLength >= n) {
                unreadable = true;
                return;
            }
            if (firstDcidOff < 0) {
                firstDcidOff = dcidOff;
                firstDcidLength = dcidLength;
            } else if (!java.util.Arrays.equals(d, firstDcidOff, firstDcidOff + firstDcidLength,
                    d, dcidOff, dcidOff + dcidLength)) {
                return;
            }
            int scidLength = d[dcidOff + dcidLength] & 0xFF;
            int q = dcidOff + dcidLength + 1;
            if (scidLength > QuicFlowState.MAX_CONNECTION_ID_BYTES || q + scidLength > n) {
                unreadable = true;
                return;
            }
            q += scidLength;
            int type = (d[p] >>> 4) & 0x03;
            if (type == v.retryType) {
                unreadable = true; // a client never sends Retry, and it has no Length to skip
                return;
            }
            if (type == v.initialType) {
                long tokenLength = Varints.read(d, q, n);
                if (tokenLength < 0 || tokenLength > n - q - Varints.length(d[q])) {
                    unreadable = true;
                    return;
                }
                q += Varints.length(d[q]) + (int) tokenLength;
            }
            long length = Varints.read(d, q, n);
            if (length < 0 || length > n - q - Varints.length(d[q])) {
                unreadable = true;
                return;
            }
            int pnOffset = q + Varints.length(d[q]);
            int end = pnOffset + (int) length;
            if (type == v.initialType) {
                if (datagramLength < MIN_INITIAL_DATAGRAM_BYTES) {
                    unreadable = true;
                } else {
                    readInitial(s, v, d, p, dcidOff, dcidLength, pnOffset, end, out);
                }
            } else if (type == v.zeroRttType) {
                zeroRtt = true;
            } else {
                handshake = true;
            }
            p = end;
        }
    }

    /**
     * Removes header protection (RFC 9001 5.4: the sample starts 4 bytes after the packet number
     * offset, whatever the packet number length), decrypts the payload (RFC 9001 5.3) and feeds
     * its frames to the flow. Changes {@code d}'s copy of the header in place.
     */
    private void readInitial(QuicFlowState s, QuicVersion v, byte[] d, int p, int dcidOff, int dcidLength,
            int pnOffset, int end, ClientHelloInfo out) {
        if (end - pnOffset < PACKET_NUMBER_MAX_BYTES + PacketProtection.SAMPLE_BYTES) {
            unreadable = true;
            return;
        }
        boolean known = s.holdsKeysFor(v, d, dcidOff, dcidLength);
        if (known && s.result != NEED_MORE) {
            return; // nothing more to learn from this handshake
        }
        if (!known && !keys.derive(v, d, dcidOff, dcidLength, candidateKey, candidateIv, candidateHp)) {
            unreadable = true;
            return;
        }
        byte[] key = known ? s.key : candidateKey;
        byte[] iv = known ? s.iv : candidateIv;
        byte[] hp = known ? s.hp : candidateHp;
        if (!protection.headerMask(hp, d, pnOffset + PACKET_NUMBER_MAX_BYTES, mask)) {
            unreadable = true;
            return;
        }
        int first = (d[p] ^ (mask[0] & 0x0F)) & 0xFF;
        d[p] = (byte) first;
        int pnLength = (first & 0x03) + 1;
        long truncated = 0;
        for (int i = 0; i < pnLength; i++) {
            d[pnOffset + i] ^= mask[1 + i];
            truncated = (truncated << 8) | (d[pnOffset + i] & 0xFF);
        }
        long pn = decodePacketNumber(s.largestPacketNumber, truncated, pnLength * 8);
        int payloadOff = pnOffset + pnLength;
        int plainLength = protection.open(key, iv, pn, d, p, payloadOff - p, payloadOff, end - payloadOff, plaintext);
        if (plainLength < 0) {
            unreadable = true;
            return;
        }
        authenticated = true;
        if (!known) {
            s.version = v;
            System.arraycopy(d, dcidOff, s.dcid, 0, dcidLength);
            s.dcidLength = dcidLength;
            System.arraycopy(candidateKey, 0, s.key, 0, candidateKey.length);
            System.arraycopy(candidateIv, 0, s.iv, 0, candidateIv.length);
            System.arraycopy(candidateHp, 0, s.hp, 0, candidateHp.length);
            if (s.result != NEED_MORE) {
                s.restartHandshake();
            }
        }
        s.largestPacketNumber = Math.max(s.largestPacketNumber, pn);
        if ((first & 0x0C) != 0) {
            s.result = MALFORMED; // reserved bits must be 0 once unprotected (RFC 9000 17.2)
            return;
        }
        s.crypto.ensureCapacity(maxClientHelloBytes);
        int walked = InitialFrames.walk(plaintext, 0, plainLength, s.crypto);
        if (walked == InitialFrames.MALFORMED) {
            s.result = MALFORMED;
        } else if (walked == InitialFrames.TOO_LARGE) {
            s.result = TOO_LARGE;
        } else {
            readHelloIfComplete(s, out);
        }
    }

    /** Parses the first handshake message once the CRYPTO stream holds all of it. */
    private void readHelloIfComplete(QuicFlowState s, ClientHelloInfo out) {
        int have = s.crypto.contiguous();
        byte[] m = s.crypto.data();
        if (s.messageLength == 0) {
            if (have >= 1 && m[0] != ClientHelloParser.CLIENT_HELLO) {
                s.result = MALFORMED;
                return;
            }
            if (have < ClientHelloParser.HANDSHAKE_HEADER_BYTES) {
                return;
            }
            int bodyLength = ((m[1] & 0xFF) << 16) | ((m[2] & 0xFF) << 8) | (m[3] & 0xFF);
            int total = ClientHelloParser.HANDSHAKE_HEADER_BYTES + bodyLength;
            if (total > maxClientHelloBytes) {
                s.result = TOO_LARGE;
                return;
            }
            s.messageLength = total;
        }
        if (have >= s.messageLength) {
            boolean ok = ClientHelloParser.parse(m, 0, s.messageLength, out) == ClientHelloParser.OK;
            s.result = ok ? CLIENT_HELLO : MALFORMED;
            helloFilled = ok;
        }
    }

    /**
     * The full packet number closest to the next one expected (RFC 9000 17.1, Appendix A.3).
     */
    static long decodePacketNumber(long largest, long truncated, int bits) {
        long expected = largest + 1;
        long window = 1L << bits;
        long halfWindow = window / 2;
        long candidate = (expected & ~(window - 1)) | truncated;
        if (candidate <= expected - halfWindow && candidate < (1L << 62) - window) {
            return candidate + window;
        }
        if (candidate > expected + halfWindow && candidate >= window) {
            return candidate - window;
        }
        return candidate;
    }

    private static long u32(byte[] b, int i) {
        return ((b[i] & 0xFFL) << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
    }
}
