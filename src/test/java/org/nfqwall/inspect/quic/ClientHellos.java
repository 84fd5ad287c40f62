package org.nfqwall.inspect.quic;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds TLS 1.3 ClientHello handshake messages as a QUIC client sends them (RFC 8446 4.1.2,
 * RFC 9001 8: empty legacy session id, ALPN, quic_transport_parameters), for tests.
 */
public final class ClientHellos {
    private ClientHellos() {
    }

    /**
     * A ClientHello handshake message (type, uint24 length, body) naming {@code sni} (none if
     * null) and offering {@code alpn}, grown with a padding extension (RFC 7685) to at least
     * {@code minLength} bytes.
     */
    public static byte[] tls13(String sni, List<String> alpn, int minLength) {
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        if (sni != null) {
            byte[] name = sni.getBytes(StandardCharsets.ISO_8859_1);
            extension(ext, 0x0000, concat(u16(name.length + 3), new byte[] {0}, u16(name.length), name));
        }
        extension(ext, 0x000a, concat(u16(4), u16(0x001d), u16(0x0017)));
        extension(ext, 0x000d, concat(u16(6), u16(0x0403), u16(0x0804), u16(0x0401)));
        if (!alpn.isEmpty()) {
            ByteArrayOutputStream list = new ByteArrayOutputStream();
            for (String id : alpn) {
                byte[] b = id.getBytes(StandardCharsets.ISO_8859_1);
                list.write(b.length);
                list.writeBytes(b);
            }
            extension(ext, 0x0010, concat(u16(list.size()), list.toByteArray()));
        }
        extension(ext, 0x002b, new byte[] {2, 3, 4});
        byte[] publicKey = new byte[32];
        for (int i = 0; i < publicKey.length; i++) {
            publicKey[i] = (byte) (0x40 + i);
        }
        extension(ext, 0x0033, concat(u16(36), u16(0x001d), u16(32), publicKey));
        extension(ext, 0x0039, new byte[] {0x04, 0x04, (byte) 0x80, 0x00, (byte) 0xff, (byte) 0xff});

        int fixed = 4 + 2 + 32 + 1 + 2 + 6 + 2 + 2;
        int missing = minLength - (fixed + ext.size());
        if (missing > 0) {
            extension(ext, 0x0015, new byte[Math.max(0, missing - 4)]);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(u16(0x0303));
        for (int i = 0; i < 32; i++) {
            body.write(i * 7);
        }
        body.write(0);
        body.writeBytes(concat(u16(6), u16(0x1301), u16(0x1302), u16(0x1303)));
        body.writeBytes(new byte[] {1, 0});
        body.writeBytes(u16(ext.size()));
        body.writeBytes(ext.toByteArray());
        int n = body.size();
        return concat(new byte[] {1, (byte) (n >>> 16), (byte) (n >>> 8), (byte) n}, body.toByteArray());
    }

    private static void extension(ByteArrayOutputStream out, int type, byte[] data) {
        out.writeBytes(u16(type));
        out.writeBytes(u16(data.length));
        out.writeBytes(data);
    }

    private static byte[] u16(int v) {
        return new byte[] {(byte) (v >>> 8), (byte) v};
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
