package org.nfqwall.inspect;

import org.nfqwall.inspect.bittorrent.BitTorrentHandshake;
import org.nfqwall.inspect.tls.TlsInspector;

/**
 * Tells from the first bytes of a client stream which inspector should read it, whatever the
 * port: a TLS handshake record, the BitTorrent handshake, or else HTTP (whose inspector itself
 * says at once when the bytes are not an HTTP request).
 *
 * <p>Stateless and thread-safe; allocates nothing.
 */
public final class ContentSniffer {
    public static final int NEED_MORE = 0;
    public static final int HTTP = 1;
    public static final int TLS = 2;
    public static final int BITTORRENT = 3;

    /** A TLS record header is this long; fewer bytes starting with 0x16 cannot be judged yet. */
    private static final int TLS_RECORD_HEADER = 5;

    private ContentSniffer() {
    }

    /** Which inspector reads the stream starting with {@code data[off, off+len)}. */
    public static int sniff(byte[] data, int off, int len) {
        if (len <= 0) {
            return NEED_MORE;
        }
        int first = data[off] & 0xFF;
        if (first == 0x16) {
            if (len < TLS_RECORD_HEADER) {
                return NEED_MORE;
            }
            if (TlsInspector.mayBeTls(data, off, len)) {
                return TLS;
            }
        } else if (first == 0x13) {
            int bt = BitTorrentHandshake.match(data, off, len);
            if (bt == BitTorrentHandshake.YES) {
                return BITTORRENT;
            }
            if (bt == BitTorrentHandshake.NEED_MORE) {
                return NEED_MORE;
            }
        }
        return HTTP;
    }
}
