package org.nfqwall.inspect.tls;

import java.nio.charset.StandardCharsets;

/**
 * Parses one complete TLS ClientHello handshake message and fills a {@link ClientHelloInfo}: the
 * server name, ALPN ids, ECH presence and versions. Shared by TLS over TCP ({@link TlsInspector})
 * and QUIC, whose CRYPTO frames carry the same message.
 *
 * <p>Strict where a lenient reading could let a rule see one thing and the server another: every
 * length must agree with the one that encloses it, an extension type may appear only once (RFC
 * 8446 4.2), pre_shared_key must be last (RFC 8446 4.2.11), the server_name list must be well
 * formed with at most one host_name of 1 to {@value #MAX_HOST_NAME_BYTES} bytes (RFC 6066 3),
 * the ALPN list must hold only non-empty ids (RFC 7301 3.1). Extensions it does not read are
 * skipped by their length. Anything else is {@link #MALFORMED}, with
 * {@link ClientHelloInfo#problem()} saying what.
 *
 * <p>Static, stateless and thread-safe; allocates only the strings it stores in the result.
 * Never throws, whatever the bytes.
 */
public final class ClientHelloParser {
    public static final int OK = 0;
    public static final int MALFORMED = 1;

    /** Handshake message header: type (1 byte) and body length (3 bytes): {@value} bytes. */
    public static final int HANDSHAKE_HEADER_BYTES = 4;
    /** HandshakeType client_hello (RFC 8446 4): {@value}. */
    public static final int CLIENT_HELLO = 1;
    /** Longest host_name accepted, the DNS limit on a name (RFC 1035 2.3.4): {@value} bytes. */
    public static final int MAX_HOST_NAME_BYTES = 255;
    /** Longest legacy_session_id (RFC 8446 4.1.2): {@value} bytes. */
    static final int MAX_SESSION_ID_BYTES = 32;

    static final int EXT_SERVER_NAME = 0;
    static final int EXT_ALPN = 16;
    static final int EXT_PRE_SHARED_KEY = 41;
    static final int EXT_SUPPORTED_VERSIONS = 43;
    static final int EXT_ENCRYPTED_CLIENT_HELLO = 0xfe0d;
    static final int NAME_TYPE_HOST_NAME = 0;
    static final int TLS13 = 0x0304;
    static final int ECH_OUTER = 0;
    static final int ECH_INNER = 1;

    /** ALPN ids returned as constants, so the common hellos allocate no string for them. */
    private static final String[] KNOWN_ALPN = {"h2", "http/1.1", "h3", "http/1.0", "spdy/3.1", "h2c", "acme-tls/1"};
    private static final byte[][] KNOWN_ALPN_BYTES = new byte[KNOWN_ALPN.length][];

    static {
        for (int i = 0; i < KNOWN_ALPN.length; i++) {
            KNOWN_ALPN_BYTES[i] = KNOWN_ALPN[i].getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    private ClientHelloParser() {
    }

    /*
     * RFC 8446 4 and 4.1.2 (the same layout as TLS 1.0-1.2, RFC 5246 7.4.1.2):
     *
     *   +------+-----------------+----------------+--------------------+
     *   | type | length (uint24) | legacy_version | random (32 bytes)  |
     *   |  01  |                 |   (uint16)     |                    |
     *   +------+-----------------+----------------+--------------------+
     *   | legacy_session_id<0..32>  (uint8 length, bytes)              |
     *   | cipher_suites<2..2^16-2>  (uint16 length, 2 bytes each)      |
     *   | legacy_compression_methods<1..2^8-1>  (uint8 length, bytes)  |
     *   | extensions<0..2^16-1>  (uint16 length, then Extension*)      |
     *   +--------------------------------------------------------------+
     *
     * The extensions block may be absent altogether in hellos older than TLS 1.2 (RFC 5246
     * 7.4.1.2: "the presence of extensions can be detected by determining whether there are
     * bytes following the compression_methods").
     */
    /**
     * Parses {@code msg[off, off+len)}, which must be exactly one complete handshake message:
     * type 1 (client_hello), a uint24 body length, and that many body bytes ({@code len == 4 +
     * length}). Clears {@code out} and fills it; after MALFORMED only
     * {@link ClientHelloInfo#problem()} is set.
     *
     * @return {@link #OK} or {@link #MALFORMED} (also for a range outside {@code msg})
     */
    public static int parse(byte[] msg, int off, int len, ClientHelloInfo out) {
        out.clear();
        if (msg == null || off < 0 || len < 0 || off > msg.length - len) {
            return malformed(out, "range outside the buffer");
        }
        int end = off + len;
        if (len < HANDSHAKE_HEADER_BYTES) {
            return malformed(out, "shorter than a handshake header");
        }
        if (u8(msg, off) != CLIENT_HELLO) {
            return malformed(out, "handshake type is not client_hello");
        }
        if (u24(msg, off + 1) != len - HANDSHAKE_HEADER_BYTES) {
            return malformed(out, "handshake length does not match the message");
        }
        int p = off + HANDSHAKE_HEADER_BYTES;
        if (end - p < 2 + 32 + 1) {
            return malformed(out, "truncated before legacy_session_id");
        }
        int version = u16(msg, p);
        if (version >>> 8 != 3) {
            return malformed(out, "legacy_version is not 3.x");
        }
        p += 2 + 32;
        int sessionId = u8(msg, p++);
        if (sessionId > MAX_SESSION_ID_BYTES) {
            return malformed(out, "legacy_session_id longer than 32 bytes");
        }
        if (end - p < sessionId + 2) {
            return malformed(out, "truncated in legacy_session_id");
        }
        p += sessionId;
        int suites = u16(msg, p);
        p += 2;
        if (suites < 2 || suites % 2 != 0) {
            return malformed(out, "cipher_suites length not a positive even number");
        }
        if (end - p < suites + 1) {
            return malformed(out, "truncated in cipher_suites");
        }
        p += suites;
        int compressions = u8(msg, p++);
        if (compressions < 1) {
            return malformed(out, "no legacy_compression_methods");
        }
        if (end - p < compressions) {
            return malformed(out, "truncated in legacy_compression_methods");
        }
        p += compressions;
        if (p == end) {
            out.legacyVersion(version);
            return OK;
        }
        if (end - p < 2) {
            return malformed(out, "truncated extensions length");
        }
        int extensions = u16(msg, p);
        p += 2;
        if (extensions != end - p) {
            return malformed(out, "extensions length does not match the message");
        }
        int result = extensions(msg, p, end, out);
        if (result == OK) {
            out.legacyVersion(version);
        }
        return result;
    }

    /*
     * RFC 8446 4.2:
     *
     *   +------------------------+-------------------------+--------------------------+
     *   | extension_type (uint16)| extension_data length   | extension_data           |
     *   |                        | (uint16)                |                          |
     *   +------------------------+-------------------------+--------------------------+
     *
     * "There MUST NOT be more than one extension of the same type in a given extension block."
     */
    private static int extensions(byte[] msg, int p, int end, ClientHelloInfo out) {
        long[] seen = out.seenExtensionTypes;
        boolean afterPreSharedKey = false;
        while (p < end) {
            if (end - p < 4) {
                return malformed(out, "truncated extension header");
            }
            int type = u16(msg, p);
            int length = u16(msg, p + 2);
            p += 4;
            if (length > end - p) {
                return malformed(out, "extension longer than the extensions block");
            }
            long bit = 1L << (type & 63);
            if ((seen[type >>> 6] & bit) != 0) {
                return malformed(out, "duplicate extension");
            }
            seen[type >>> 6] |= bit;
            if (afterPreSharedKey) {
                return malformed(out, "pre_shared_key is not the last extension");
            }
            int result = switch (type) {
                case EXT_SERVER_NAME -> serverName(msg, p, length, out);
                case EXT_ALPN -> alpn(msg, p, length, out);
                case EXT_SUPPORTED_VERSIONS -> supportedVersions(msg, p, length, out);
                case EXT_ENCRYPTED_CLIENT_HELLO -> encryptedClientHello(msg, p, length, out);
                default -> OK;
            };
            if (result != OK) {
                return result;
            }
            afterPreSharedKey = type == EXT_PRE_SHARED_KEY;
            p += length;
        }
        return OK;
    }

    /*
     * RFC 6066 3:
     *
     *   server_name_list<1..2^16-1>:  uint16 length, then entries of
     *   +-----------------+-------------------+----------------------+
     *   | name_type (u8)  | length (uint16)   | HostName<1..2^16-1>  |
     *   | 0 = host_name   |                   |                      |
     *   +-----------------+-------------------+----------------------+
     *
     * "The ServerNameList MUST NOT contain more than one name of the same name_type." Other name
     * types are skipped assuming the same length-prefixed layout (none is defined).
     */
    private static int serverName(byte[] msg, int p, int length, ClientHelloInfo out) {
        if (length < 2 || u16(msg, p) != length - 2 || length == 2) {
            return malformed(out, "server_name list length does not match the extension");
        }
        int end = p + length;
        p += 2;
        String hostName = null;
        while (p < end) {
            if (end - p < 3) {
                return malformed(out, "truncated server_name entry");
            }
            int nameType = u8(msg, p);
            int nameLength = u16(msg, p + 1);
            p += 3;
            if (nameLength > end - p) {
                return malformed(out, "server_name entry longer than the list");
            }
            if (nameType == NAME_TYPE_HOST_NAME) {
                if (hostName != null) {
                    return malformed(out, "more than one host_name");
                }
                if (nameLength == 0) {
                    return malformed(out, "empty host_name");
                }
                if (nameLength > MAX_HOST_NAME_BYTES) {
                    return malformed(out, "host_name longer than 255 bytes");
                }
                hostName = new String(msg, p, nameLength, StandardCharsets.ISO_8859_1);
            } else if (nameLength == 0) {
                return malformed(out, "empty server name");
            }
            p += nameLength;
        }
        out.sni(hostName);
        return OK;
    }

    /*
     * RFC 7301 3.1:
     *
     *   protocol_name_list<2..2^16-1>: uint16 length, then entries of
     *   +-------------+------------------------------+
     *   | length (u8) | ProtocolName<1..2^8-1>       |
     *   +-------------+------------------------------+
     *
     * "Empty strings MUST NOT be included".
     */
    private static int alpn(byte[] msg, int p, int length, ClientHelloInfo out) {
        if (length < 2 || u16(msg, p) != length - 2 || length - 2 < 2) {
            return malformed(out, "ALPN list length does not match the extension");
        }
        int end = p + length;
        p += 2;
        while (p < end) {
            int idLength = u8(msg, p++);
            if (idLength == 0) {
                return malformed(out, "empty ALPN protocol id");
            }
            if (idLength > end - p) {
                return malformed(out, "ALPN protocol id longer than the list");
            }
            if (out.alpnRoom()) {
                out.addAlpn(alpnId(msg, p, idLength));
            } else {
                out.countAlpn();
            }
            p += idLength;
        }
        return OK;
    }

    /*
     * RFC 8446 4.2.1, in a ClientHello:
     *
     *   +-------------+-------------------------------------------+
     *   | length (u8) | versions<2..254>: uint16 ProtocolVersion* |
     *   +-------------+-------------------------------------------+
     */
    private static int supportedVersions(byte[] msg, int p, int length, ClientHelloInfo out) {
        if (length < 1 || u8(msg, p) != length - 1 || length - 1 < 2 || (length - 1) % 2 != 0) {
            return malformed(out, "supported_versions length does not match the extension");
        }
        boolean tls13 = false;
        for (int i = p + 1; i < p + length; i += 2) {
            tls13 |= u16(msg, i) == TLS13;
        }
        out.offersTls13(tls13);
        return OK;
    }

    /*
     * draft-ietf-tls-esni (from draft 13 on), extension type 0xfe0d:
     *
     *   +----------+--------------------+-----------+------------------+--------------------+
     *   | type (u8)| cipher_suite:      | config_id | enc<0..2^16-1>   | payload<1..2^16-1> |
     *   | 0 = outer| kdf_id, aead_id    | (u8)      | (uint16 length)  | (uint16 length)    |
     *   +----------+--------------------+-----------+------------------+--------------------+
     *   type 1 (inner) has no further fields.
     */
    private static int encryptedClientHello(byte[] msg, int p, int length, ClientHelloInfo out) {
        if (length < 1) {
            return malformed(out, "empty encrypted_client_hello");
        }
        int type = u8(msg, p);
        if (type == ECH_INNER) {
            if (length != 1) {
                return malformed(out, "inner encrypted_client_hello with fields");
            }
        } else if (type == ECH_OUTER) {
            int end = p + length;
            int q = p + 1 + 4 + 1;
            if (end - q < 2 || end - q - 2 < u16(msg, q)) {
                return malformed(out, "encrypted_client_hello enc does not fit");
            }
            q += 2 + u16(msg, q);
            if (end - q < 2 || u16(msg, q) != end - q - 2 || end - q - 2 < 1) {
                return malformed(out, "encrypted_client_hello payload length does not match the extension");
            }
        } else {
            return malformed(out, "unknown encrypted_client_hello type");
        }
        out.ech(true);
        return OK;
    }

    /** The ALPN id as a string; a constant for the common ones. */
    private static String alpnId(byte[] msg, int p, int length) {
        for (int k = 0; k < KNOWN_ALPN_BYTES.length; k++) {
            byte[] known = KNOWN_ALPN_BYTES[k];
            if (known.length == length && regionEquals(msg, p, known)) {
                return KNOWN_ALPN[k];
            }
        }
        return new String(msg, p, length, StandardCharsets.ISO_8859_1);
    }

    private static boolean regionEquals(byte[] msg, int p, byte[] known) {
        for (int i = 0; i < known.length; i++) {
            if (msg[p + i] != known[i]) {
                return false;
            }
        }
        return true;
    }

    private static int malformed(ClientHelloInfo out, String why) {
        out.clear();
        out.problem(why);
        return MALFORMED;
    }

    static int u8(byte[] b, int i) {
        return b[i] & 0xff;
    }

    static int u16(byte[] b, int i) {
        return (b[i] & 0xff) << 8 | b[i + 1] & 0xff;
    }

    static int u24(byte[] b, int i) {
        return (b[i] & 0xff) << 16 | (b[i + 1] & 0xff) << 8 | b[i + 2] & 0xff;
    }
}
