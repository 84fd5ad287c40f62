package org.nfqwall.inspect.tls;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds small ClientHello messages with chosen extensions, for the cases no client sends. */
final class TestHellos {
    private TestHellos() {
    }

    /** A ClientHello message (header included): version 3.3, zero random, no session id, one suite. */
    static byte[] hello(byte[]... extensions) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(3);
        body.write(3);
        body.write(new byte[32], 0, 32);
        body.write(0); // legacy_session_id
        u16(body, 2);
        u16(body, 0x1301); // TLS_AES_128_GCM_SHA256
        body.write(1);
        body.write(0); // null compression
        byte[] block = TlsFixtures.concat(extensions);
        u16(body, block.length);
        body.write(block, 0, block.length);
        return message(body.toByteArray());
    }

    /** A ClientHello without an extensions block, as TLS 1.0 clients may send. */
    static byte[] helloWithoutExtensions() {
        byte[] withEmpty = hello();
        byte[] body = java.util.Arrays.copyOfRange(withEmpty, 4, withEmpty.length - 2);
        return message(body);
    }

    /** A handshake message of type client_hello around {@code body}. */
    static byte[] message(byte[] body) {
        byte[] m = new byte[4 + body.length];
        m[0] = 1;
        m[1] = (byte) (body.length >>> 16);
        m[2] = (byte) (body.length >>> 8);
        m[3] = (byte) body.length;
        System.arraycopy(body, 0, m, 4, body.length);
        return m;
    }

    static byte[] ext(int type, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        u16(out, type);
        u16(out, data.length);
        out.write(data, 0, data.length);
        return out.toByteArray();
    }

    /** A server_name extension with one host_name entry per name. */
    static byte[] sni(String... names) {
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        for (String name : names) {
            byte[] b = name.getBytes(StandardCharsets.ISO_8859_1);
            list.write(0);
            u16(list, b.length);
            list.write(b, 0, b.length);
        }
        return ext(ClientHelloParser.EXT_SERVER_NAME, withU16Length(list.toByteArray()));
    }

    static byte[] alpn(String... ids) {
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        for (String id : ids) {
            byte[] b = id.getBytes(StandardCharsets.ISO_8859_1);
            list.write(b.length);
            list.write(b, 0, b.length);
        }
        return ext(ClientHelloParser.EXT_ALPN, withU16Length(list.toByteArray()));
    }

    static byte[] supportedVersions(int... versions) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(versions.length * 2);
        for (int v : versions) {
            u16(out, v);
        }
        return ext(ClientHelloParser.EXT_SUPPORTED_VERSIONS, out.toByteArray());
    }

    static byte[] withU16Length(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        u16(out, data.length);
        out.write(data, 0, data.length);
        return out.toByteArray();
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.write(v >>> 8);
        out.write(v);
    }
}
