package org.nfqwall.inspect.quic;

/**
 * What {@link QuicInspector} remembers of one UDP flow (client to server): the Initial keys of
 * the connection ID in use, the largest packet number read, the reassembled start of the CRYPTO
 * stream and the result once one is final.
 *
 * <p>Meant to be pooled: {@link #reset()} makes it new again but keeps the CRYPTO buffer, which is
 * allocated at the first Initial read and then reused. Owned by the worker thread of its flow;
 * not thread-safe.
 */
public final class QuicFlowState {
    static final int MAX_CONNECTION_ID_BYTES = 20;

    /** A long header with the fixed bit was seen on this flow: it is QUIC. */
    boolean seen;
    /** The version whose keys are held, or null before the first Initial that was read. */
    QuicVersion version;
    final byte[] dcid = new byte[MAX_CONNECTION_ID_BYTES];
    int dcidLength;
    final byte[] key = new byte[InitialKeys.KEY_BYTES];
    final byte[] iv = new byte[InitialKeys.IV_BYTES];
    final byte[] hp = new byte[InitialKeys.HP_KEY_BYTES];
    /** The largest Initial packet number authenticated, -1 before the first. */
    long largestPacketNumber = -1;
    final CryptoStream crypto = new CryptoStream();
    /** The length of the first handshake message once its header is in, else 0. */
    int messageLength;
    /** {@link QuicInspector#NEED_MORE}, or the final result of the handshake being read. */
    int result = QuicInspector.NEED_MORE;

    /** Forgets the flow, keeping the CRYPTO buffer for the next one. */
    public void reset() {
        seen = false;
        version = null;
        dcidLength = 0;
        largestPacketNumber = -1;
        crypto.clear();
        messageLength = 0;
        result = QuicInspector.NEED_MORE;
    }

    /** Whether the keys held are those of {@code v} and the connection ID {@code b[off, off+len)}. */
    boolean holdsKeysFor(QuicVersion v, byte[] b, int off, int len) {
        if (version != v || dcidLength != len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (dcid[i] != b[off + i]) {
                return false;
            }
        }
        return true;
    }

    /** Starts reading a new handshake: a new connection on the same addresses and ports. */
    void restartHandshake() {
        crypto.clear();
        messageLength = 0;
        result = QuicInspector.NEED_MORE;
    }
}
