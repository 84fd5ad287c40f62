package org.nfqwall.inspect.quic;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Test-only encoder of protected client Initial packets (RFC 9001 5, RFC 9369 3) for a given
 * Destination Connection ID and CRYPTO data: split across any number of packets, each padded to
 * fill a datagram (1200 bytes unless told otherwise), packet numbers counting up.
 *
 * <p>The key derivation is the main code's {@link InitialKeys}, checked against the RFC vectors
 * on its own; the encryption and header protection here are written independently of
 * {@link PacketProtection}, and reproduce the RFC's sample packets byte for byte. Not thread-safe.
 */
public final class QuicInitialBuilder {
    public static final int V1 = QuicVersion.NUMBER_V1;
    public static final int V2 = QuicVersion.NUMBER_V2;
    /** The datagram size clients pad Initials to (RFC 9000 14.1). */
    public static final int DATAGRAM_BYTES = 1200;

    private final QuicVersion version;
    private final byte[] dcid;
    private final byte[] key = new byte[InitialKeys.KEY_BYTES];
    private final byte[] iv = new byte[InitialKeys.IV_BYTES];
    private final byte[] hp = new byte[InitialKeys.HP_KEY_BYTES];
    private byte[] scid = new byte[0];
    private byte[] token = new byte[0];
    private long nextPacketNumber;
    private int packetNumberLength = 2;
    private int datagramBytes = DATAGRAM_BYTES;

    /** A builder for QUIC {@code version} ({@link #V1} or {@link #V2}) Initials sent to {@code dcid}. */
    public QuicInitialBuilder(int version, byte[] dcid) {
        this.version = QuicVersion.of(version);
        if (this.version == null) {
            throw new IllegalArgumentException("no Initial keys for version 0x" + Integer.toHexString(version));
        }
        this.dcid = dcid.clone();
        if (!new InitialKeys().derive(this.version, this.dcid, 0, this.dcid.length, key, iv, hp)) {
            throw new IllegalStateException("key derivation failed");
        }
    }

    public QuicInitialBuilder scid(byte[] value) {
        scid = value.clone();
        return this;
    }

    public QuicInitialBuilder token(byte[] value) {
        token = value.clone();
        return this;
    }

    /** The packet number of the next packet built. */
    public QuicInitialBuilder packetNumber(long value) {
        nextPacketNumber = value;
        return this;
    }

    /** How many bytes encode packet numbers, 1 to 4. */
    public QuicInitialBuilder packetNumberLength(int bytes) {
        packetNumberLength = bytes;
        return this;
    }

    /** The size each packet is padded to; 0 pads only as much as header protection needs. */
    public QuicInitialBuilder datagramBytes(int bytes) {
        datagramBytes = bytes;
        return this;
    }

    /**
     * The handshake message {@code cryptoData} in {@code packets} Initials, one per datagram,
     * CRYPTO data split in nearly equal consecutive pieces, in sending order.
     */
    public List<byte[]> datagrams(byte[] cryptoData, int packets) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < packets; i++) {
            int from = (int) ((long) cryptoData.length * i / packets);
            int to = (int) ((long) cryptoData.length * (i + 1) / packets);
            out.add(initial(cryptoFrame(from, Arrays.copyOfRange(cryptoData, from, to))));
        }
        return out;
    }

    /** The handshake message {@code cryptoData} in one Initial, padded to the datagram size. */
    public byte[] datagram(byte[] cryptoData) {
        return initial(cryptoFrame(0, cryptoData));
    }

    /** One protected Initial carrying {@code frames}, followed by PADDING up to the datagram size. */
    public byte[] initial(byte[] frames) {
        return initial(frames, datagramBytes);
    }

    /** One protected Initial carrying {@code frames} and PADDING, {@code packetBytes} long if it can be. */
    public byte[] initial(byte[] frames, int packetBytes) {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.write(0xC0 | (version.initialType << 4) | (packetNumberLength - 1));
        header.writeBytes(u32(version.number));
        header.write(dcid.length);
        header.writeBytes(dcid);
        header.write(scid.length);
        header.writeBytes(scid);
        header.writeBytes(varint(token.length));
        header.writeBytes(token);
        int lengthFieldOffset = header.size();
        int overhead = lengthFieldOffset + 2 + packetNumberLength + PacketProtection.TAG_BYTES;
        int payloadBytes = Math.max(frames.length, packetBytes - overhead);
        payloadBytes = Math.max(payloadBytes, 4 - packetNumberLength); // room for the sample
        byte[] payload = Arrays.copyOf(frames, payloadBytes);
        int length = packetNumberLength + payloadBytes + PacketProtection.TAG_BYTES;
        header.writeBytes(new byte[] {(byte) (0x40 | (length >>> 8)), (byte) length});
        long pn = nextPacketNumber++;
        for (int i = packetNumberLength - 1; i >= 0; i--) {
            header.write((int) (pn >>> (8 * i)));
        }
        return protect(header.toByteArray(), lengthFieldOffset + 2, pn, payload);
    }

    /** RFC 9001 5.3 and 5.4: encrypt the payload, then mask the header with the sample. */
    private byte[] protect(byte[] header, int pnOffset, long pn, byte[] payload) {
        try {
            byte[] nonce = iv.clone();
            for (int i = 0; i < 8; i++) {
                nonce[nonce.length - 1 - i] ^= (byte) (pn >>> (8 * i));
            }
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            gcm.updateAAD(header);
            byte[] packet = ClientHellos.concat(header, gcm.doFinal(payload));
            Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
            ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(hp, "AES"));
            byte[] mask = ecb.doFinal(packet, pnOffset + 4, 16);
            packet[0] ^= (byte) (mask[0] & 0x0F);
            for (int i = 0; i < packetNumberLength; i++) {
                packet[pnOffset + i] ^= mask[1 + i];
            }
            return packet;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CRYPTO frame (RFC 9000 19.6) carrying {@code data} at {@code offset}. */
    public static byte[] cryptoFrame(long offset, byte[] data) {
        return ClientHellos.concat(new byte[] {0x06}, varint(offset), varint(data.length), data);
    }

    /**
     * A long header packet of another type (0-RTT or Handshake: {@code typeBits} as the version
     * numbers them) with {@code payloadBytes} bytes of unprotected filler, which the inspector
     * must skip by its Length.
     */
    public static byte[] otherLongPacket(int versionNumber, int typeBits, byte[] dcid, int payloadBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xC0 | (typeBits << 4) | 0x01);
        out.writeBytes(u32(versionNumber));
        out.write(dcid.length);
        out.writeBytes(dcid);
        out.write(0);
        out.writeBytes(varint(payloadBytes));
        for (int i = 0; i < payloadBytes; i++) {
            out.write(0x5A ^ i);
        }
        return out.toByteArray();
    }

    /** The QUIC variable-length encoding of {@code v} (RFC 9000 16), shortest form. */
    public static byte[] varint(long v) {
        if (v < 64) {
            return new byte[] {(byte) v};
        }
        if (v < 16384) {
            return new byte[] {(byte) (0x40 | (v >>> 8)), (byte) v};
        }
        if (v < (1L << 30)) {
            return new byte[] {(byte) (0x80 | (v >>> 24)), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        }
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >>> (56 - 8 * i));
        }
        b[0] |= (byte) 0xC0;
        return b;
    }

    private static byte[] u32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }
}
