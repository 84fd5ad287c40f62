package org.nfqwall.inspect.quic;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Removes the protection of Initial packets with the JDK's AES (RFC 9001 5.3, 5.4): the header
 * protection mask is AES-ECB of a 16-byte sample, the payload is AEAD_AES_128_GCM with the
 * nonce iv XOR packet number and the unprotected header as associated data.
 *
 * <p>One instance per worker: the two {@link Cipher}s are reused, but each {@code Cipher.init}
 * allocates key and parameter objects (and GCM buffers the ciphertext until the tag is checked),
 * so opening one Initial packet costs a few kilobytes. Initials are a handful per connection;
 * nothing here runs for other packets. Not thread-safe.
 */
final class PacketProtection {
    static final int SAMPLE_BYTES = 16;
    static final int TAG_BYTES = 16;
    private static final int TAG_BITS = TAG_BYTES * 8;

    private final Cipher ecb;
    private final Cipher gcm;
    private final byte[] nonce = new byte[InitialKeys.IV_BYTES];

    PacketProtection() {
        try {
            ecb = Cipher.getInstance("AES/ECB/NoPadding");
            gcm = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK lacks AES/ECB or AES/GCM, which every JDK must have", e);
        }
    }

    /**
     * Writes AES-ECB(hp, sample) into {@code mask[0, 16)}, the sample being
     * {@code packet[sampleOff, sampleOff+16)}; false if the JDK refuses.
     */
    boolean headerMask(byte[] hp, byte[] packet, int sampleOff, byte[] mask) {
        try {
            ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(hp, "AES"));
            return ecb.doFinal(packet, sampleOff, SAMPLE_BYTES, mask, 0) == SAMPLE_BYTES;
        } catch (GeneralSecurityException | IllegalStateException e) {
            return false;
        }
    }

    /**
     * Decrypts and authenticates {@code in[ciphertextOff, +ciphertextLen)} (tag included) with
     * {@code in[headerOff, +headerLen)} as associated data, writing the plaintext to
     * {@code out[0, ...)}. Returns the plaintext length, or -1 when authentication fails.
     */
    int open(byte[] key, byte[] iv, long packetNumber, byte[] in, int headerOff, int headerLen,
            int ciphertextOff, int ciphertextLen, byte[] out) {
        if (ciphertextLen < TAG_BYTES || out.length < ciphertextLen - TAG_BYTES) {
            return -1;
        }
        System.arraycopy(iv, 0, nonce, 0, nonce.length);
        for (int i = 0; i < 8; i++) {
            nonce[nonce.length - 1 - i] ^= (byte) (packetNumber >>> (8 * i));
        }
        try {
            gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            gcm.updateAAD(in, headerOff, headerLen);
            return gcm.doFinal(in, ciphertextOff, ciphertextLen, out, 0);
        } catch (GeneralSecurityException | IllegalStateException | IllegalArgumentException e) {
            // AEADBadTagException: a forged or damaged packet, which a server would drop as well.
            return -1;
        }
    }
}
