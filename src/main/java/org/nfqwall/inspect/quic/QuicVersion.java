package org.nfqwall.inspect.quic;

import java.nio.charset.StandardCharsets;

/**
 * What differs between the QUIC versions whose Initial packets can be read: the salt of the
 * initial secret, the labels of the packet protection keys and the long header packet type bits.
 * QUIC version 1 is RFC 9000 and RFC 9001 5.2; QUIC version 2 is RFC 9369 3.
 */
final class QuicVersion {
    /** QUIC version 1, RFC 9000. */
    static final int NUMBER_V1 = 0x0000_0001;
    /** QUIC version 2, RFC 9369 3.1. */
    static final int NUMBER_V2 = 0x6b33_43cf;

    static final QuicVersion V1 = new QuicVersion(NUMBER_V1,
            "38762cf7f55934b34d179ae6a4c80cadccbb7f0a", "quic key", "quic iv", "quic hp", 0, 1, 2, 3);
    static final QuicVersion V2 = new QuicVersion(NUMBER_V2,
            "0dede3def700a6db819381be6e269dcbf9bd2ed9", "quicv2 key", "quicv2 iv", "quicv2 hp", 1, 2, 3, 0);

    final int number;
    final byte[] initialSalt;
    /** The HkdfLabel structures (RFC 8446 7.1) for the key, IV and header protection key. */
    final byte[] keyLabel;
    final byte[] ivLabel;
    final byte[] hpLabel;
    /** The two Long Packet Type bits of each packet type. */
    final int initialType;
    final int zeroRttType;
    final int handshakeType;
    final int retryType;

    private QuicVersion(int number, String saltHex, String keyLabel, String ivLabel, String hpLabel,
            int initialType, int zeroRttType, int handshakeType, int retryType) {
        this.number = number;
        this.initialSalt = hex(saltHex);
        this.keyLabel = hkdfLabel(keyLabel, InitialKeys.KEY_BYTES);
        this.ivLabel = hkdfLabel(ivLabel, InitialKeys.IV_BYTES);
        this.hpLabel = hkdfLabel(hpLabel, InitialKeys.HP_KEY_BYTES);
        this.initialType = initialType;
        this.zeroRttType = zeroRttType;
        this.handshakeType = handshakeType;
        this.retryType = retryType;
    }

    /** The version with that number whose Initials can be read, or null. */
    static QuicVersion of(long number) {
        if (number == NUMBER_V1) {
            return V1;
        }
        if (number == NUMBER_V2) {
            return V2;
        }
        return null;
    }

    /**
     * The HkdfLabel of HKDF-Expand-Label with an empty context (RFC 8446 7.1).
     *
     * <pre>
     * struct {
     *     uint16 length = outputLength;
     *     opaque label&lt;7..255&gt; = "tls13 " + label;
     *     opaque context&lt;0..255&gt; = "";
     * } HkdfLabel;
     * </pre>
     */
    static byte[] hkdfLabel(String label, int outputLength) {
        byte[] text = ("tls13 " + label).getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[2 + 1 + text.length + 1];
        out[0] = (byte) (outputLength >>> 8);
        out[1] = (byte) outputLength;
        out[2] = (byte) text.length;
        System.arraycopy(text, 0, out, 3, text.length);
        out[out.length - 1] = 0;
        return out;
    }

    private static byte[] hex(String s) {
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
