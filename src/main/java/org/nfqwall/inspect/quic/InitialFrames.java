package org.nfqwall.inspect.quic;

/**
 * Walks the frames of a decrypted Initial packet's payload and hands CRYPTO data to the flow's
 * {@link CryptoStream}.
 *
 * <p>RFC 9000 12.4, Table 3: an Initial may carry only PADDING, PING, ACK, CRYPTO and
 * CONNECTION_CLOSE (type 0x1c); any other frame, a frame that runs past the payload, or a payload
 * without frames is a PROTOCOL_VIOLATION or FRAME_ENCODING_ERROR for which a server closes the
 * connection, so it is {@link #MALFORMED} here too.
 */
final class InitialFrames {
    static final int OK = 0;
    static final int MALFORMED = 1;
    static final int TOO_LARGE = 2;

    private static final int PADDING = 0x00;
    private static final int PING = 0x01;
    private static final int ACK = 0x02;
    private static final int ACK_ECN = 0x03;
    private static final int CRYPTO = 0x06;
    private static final int CONNECTION_CLOSE = 0x1c;

    private InitialFrames() {
    }

    /**
     * Walks {@code b[off, end)}.
     *
     * <pre>
     * RFC 9000 19: every frame starts with its type (a varint; these all fit one byte)
     *   PADDING (0x00), PING (0x01)
     *   ACK (0x02, 0x03): Largest Acknowledged (i), ACK Delay (i), ACK Range Count (i),
     *                     First ACK Range (i), Range Count x [Gap (i), ACK Range Length (i)],
     *                     0x03 only: ECT0 Count (i), ECT1 Count (i), ECN-CE Count (i)
     *   CRYPTO (0x06):    Offset (i), Length (i), Crypto Data (Length bytes)
     *   CONNECTION_CLOSE (0x1c): Error Code (i), Frame Type (i), Reason Phrase Length (i), Reason
     * </pre>
     */
    static int walk(byte[] b, int off, int end, CryptoStream crypto) {
        if (off >= end) {
            return MALFORMED;
        }
        int p = off;
        while (p < end) {
            int type = b[p] & 0xFF;
            p++;
            switch (type) {
                case PADDING:
                case PING:
                    break;
                case ACK:
                case ACK_ECN:
                    p = skipAck(b, p, end, type == ACK_ECN);
                    break;
                case CRYPTO: {
                    long offset = Varints.read(b, p, end);
                    if (offset < 0) {
                        return MALFORMED;
                    }
                    p += Varints.length(b[p]);
                    long length = Varints.read(b, p, end);
                    if (length < 0) {
                        return MALFORMED;
                    }
                    p += Varints.length(b[p]);
                    if (length > end - p) {
                        return MALFORMED;
                    }
                    int added = crypto.add(b, p, offset, (int) length);
                    if (added == CryptoStream.TOO_LARGE) {
                        return TOO_LARGE;
                    }
                    if (added == CryptoStream.CONFLICT) {
                        return MALFORMED;
                    }
                    p += (int) length;
                    break;
                }
                case CONNECTION_CLOSE:
                    p = skipVarints(b, p, end, 2);
                    if (p >= 0) {
                        long reasonLength = Varints.read(b, p, end);
                        if (reasonLength < 0) {
                            return MALFORMED;
                        }
                        p += Varints.length(b[p]);
                        p = reasonLength > end - p ? -1 : p + (int) reasonLength;
                    }
                    break;
                default:
                    return MALFORMED;
            }
            if (p < 0) {
                return MALFORMED;
            }
        }
        return OK;
    }

    /** The index after the ACK frame's fields starting at {@code p}, or -1 if they run past. */
    private static int skipAck(byte[] b, int p, int end, boolean ecn) {
        p = skipVarints(b, p, end, 2);
        if (p < 0) {
            return -1;
        }
        long rangeCount = Varints.read(b, p, end);
        if (rangeCount < 0) {
            return -1;
        }
        p += Varints.length(b[p]);
        // Each range is at least two bytes: a count beyond that cannot fit, and bounds the loop.
        if (rangeCount > (end - p) / 2) {
            return -1;
        }
        p = skipVarints(b, p, end, 1 + 2 * (int) rangeCount);
        return p < 0 || !ecn ? p : skipVarints(b, p, end, 3);
    }

    /** The index after {@code count} varints starting at {@code p}, or -1 if they run past. */
    private static int skipVarints(byte[] b, int p, int end, int count) {
        for (int i = 0; i < count; i++) {
            if (Varints.read(b, p, end) < 0) {
                return -1;
            }
            p += Varints.length(b[p]);
        }
        return p;
    }
}
