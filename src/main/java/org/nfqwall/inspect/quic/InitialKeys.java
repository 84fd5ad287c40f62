package org.nfqwall.inspect.quic;

import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Derives the client's Initial packet protection keys from the Destination Connection ID of its
 * first Initial (RFC 9001 5.2, RFC 9369 3.3): HKDF-SHA256 over the JDK's HmacSHA256.
 *
 * <pre>
 * initial_secret        = HKDF-Extract(initial_salt, client_dst_connection_id)
 * client_initial_secret = HKDF-Expand-Label(initial_secret, "client in", "", 32)
 * key = HKDF-Expand-Label(client_initial_secret, "quic key", "", 16)   v2: "quicv2 key"
 * iv  = HKDF-Expand-Label(client_initial_secret, "quic iv", "", 12)    v2: "quicv2 iv"
 * hp  = HKDF-Expand-Label(client_initial_secret, "quic hp", "", 16)    v2: "quicv2 hp"
 * </pre>
 *
 * <p>Every output is at most one SHA-256 block, so HKDF-Expand is a single HMAC. One instance per
 * worker, reused; not thread-safe. Each derivation allocates the HMAC key objects (a few hundred
 * bytes), once per connection ID.
 */
final class InitialKeys {
    static final int SECRET_BYTES = 32;
    static final int KEY_BYTES = 16;
    static final int IV_BYTES = 12;
    static final int HP_KEY_BYTES = 16;

    private static final byte[] CLIENT_IN_LABEL = QuicVersion.hkdfLabel("client in", SECRET_BYTES);

    private final Mac hmac;
    private final byte[] initialSecret = new byte[SECRET_BYTES];
    private final byte[] clientSecret = new byte[SECRET_BYTES];
    private final byte[] block = new byte[SECRET_BYTES];

    InitialKeys() {
        try {
            hmac = Mac.getInstance("HmacSHA256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no HmacSHA256, which every JDK must have", e);
        }
    }

    /**
     * Fills {@code key}, {@code iv} and {@code hp} from the connection ID {@code dcid[off, off+len)};
     * false only if the JDK's HMAC refuses (it does not).
     */
    boolean derive(QuicVersion version, byte[] dcid, int off, int len, byte[] key, byte[] iv, byte[] hp) {
        try {
            extract(version.initialSalt, dcid, off, len, initialSecret);
            expandLabel(initialSecret, CLIENT_IN_LABEL, clientSecret, SECRET_BYTES);
            expandLabel(clientSecret, version.keyLabel, key, KEY_BYTES);
            expandLabel(clientSecret, version.ivLabel, iv, IV_BYTES);
            expandLabel(clientSecret, version.hpLabel, hp, HP_KEY_BYTES);
            return true;
        } catch (GeneralSecurityException | IllegalStateException e) {
            return false;
        }
    }

    /** The initial secret of the last derivation (for tests against RFC vectors). */
    byte[] initialSecret() {
        return initialSecret;
    }

    /** The client initial secret of the last derivation (for tests against RFC vectors). */
    byte[] clientInitialSecret() {
        return clientSecret;
    }

    /** HKDF-Extract (RFC 5869 2.2): HMAC-SHA256 keyed with the salt over the input keying material. */
    private void extract(byte[] salt, byte[] ikm, int off, int len, byte[] out) throws GeneralSecurityException {
        hmac.init(new SecretKeySpec(salt, "HmacSHA256"));
        hmac.update(ikm, off, len);
        hmac.doFinal(out, 0);
    }

    /** HKDF-Expand (RFC 5869 2.3) for at most 32 bytes: T(1) = HMAC(secret, info || 0x01). */
    private void expandLabel(byte[] secret, byte[] hkdfLabel, byte[] out, int length)
            throws GeneralSecurityException {
        hmac.init(new SecretKeySpec(secret, "HmacSHA256"));
        hmac.update(hkdfLabel);
        hmac.update((byte) 1);
        hmac.doFinal(block, 0);
        System.arraycopy(block, 0, out, 0, length);
    }
}
