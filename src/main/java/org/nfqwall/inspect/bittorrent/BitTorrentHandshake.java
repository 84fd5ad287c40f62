package org.nfqwall.inspect.bittorrent;

/**
 * Recognises the BitTorrent peer-wire handshake (BEP 3) at the start of a stream.
 *
 * <pre>
 *  0      1                          20         28            48          68
 * +------+--------------------------+----------+-------------+-----------+
 * |  19  |   "BitTorrent protocol"  | reserved |  info_hash  |  peer_id  |
 * +------+--------------------------+----------+-------------+-----------+
 * </pre>
 *
 * <p>The first 20 bytes are fixed, which is what ISP middleboxes match; the rest is not needed.
 * Message stream encryption (MSE/PE) hides this handshake and is not recognised. Stateless and
 * thread-safe.
 */
public final class BitTorrentHandshake {
    /** The stream starts with the handshake. */
    public static final int YES = 0;
    /** It cannot be the handshake. */
    public static final int NO = 1;
    /** So far consistent with it; more bytes needed. */
    public static final int NEED_MORE = 2;

    private static final byte[] PREFIX = "\u0013BitTorrent protocol".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    private BitTorrentHandshake() {
    }

    /** Checks {@code data[off, off+len)}, the first bytes of a client stream. */
    public static int match(byte[] data, int off, int len) {
        int n = Math.min(len, PREFIX.length);
        for (int i = 0; i < n; i++) {
            if (data[off + i] != PREFIX[i]) {
                return NO;
            }
        }
        return n == PREFIX.length ? YES : NEED_MORE;
    }
}
