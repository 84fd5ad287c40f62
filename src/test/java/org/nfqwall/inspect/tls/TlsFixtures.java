package org.nfqwall.inspect.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Loads the hex fixtures of src/test/resources/tls (see the README there) and re-frames them. */
final class TlsFixtures {
    /** Every captured or crafted fixture. */
    static final String[] ALL = {
        "curl-sni.hex", "openssl-sni.hex", "openssl-noservername.hex", "openssl-alpn.hex", "openssl-large.hex",
        "python-sni.hex", "python-alpn.hex", "openssl-sni-ech.hex",
    };

    private TlsFixtures() {
    }

    /** The fixture's bytes as sent on the wire: whitespace-separated hex pairs, '#' comment lines. */
    static byte[] wire(String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String line : new String(resource(name), StandardCharsets.US_ASCII).split("\n")) {
            if (line.startsWith("#")) {
                continue;
            }
            for (String pair : line.trim().split("\\s+")) {
                if (!pair.isEmpty()) {
                    out.write(Integer.parseInt(pair, 16));
                }
            }
        }
        return out.toByteArray();
    }

    /** The handshake message of a fixture sent in one record: the wire bytes after the record header. */
    static byte[] message(String name) {
        byte[] wire = wire(name);
        int recordLength = (wire[3] & 0xff) << 8 | wire[4] & 0xff;
        if (wire[0] != 22 || wire.length != 5 + recordLength) {
            throw new IllegalArgumentException(name + " is not one handshake record");
        }
        return Arrays.copyOfRange(wire, 5, wire.length);
    }

    /**
     * The handshake message cut into {@code records} handshake records of near-equal size (the
     * first ones one byte longer), each with version 3.1 as clients send their first flight.
     */
    static byte[] reframe(byte[] message, int records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int p = 0;
        for (int i = 0; i < records; i++) {
            int n = message.length / records + (i < message.length % records ? 1 : 0);
            out.write(22);
            out.write(3);
            out.write(1);
            out.write(n >>> 8);
            out.write(n);
            out.write(message, p, n);
            p += n;
        }
        return out.toByteArray();
    }

    /** The bytes of one record: header with version 3.1 and the fragment. */
    static byte[] record(int type, byte[] fragment) {
        byte[] r = new byte[5 + fragment.length];
        r[0] = (byte) type;
        r[1] = 3;
        r[2] = 1;
        r[3] = (byte) (fragment.length >>> 8);
        r[4] = (byte) fragment.length;
        System.arraycopy(fragment, 0, r, 5, fragment.length);
        return r;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.write(part, 0, part.length);
        }
        return out.toByteArray();
    }

    private static byte[] resource(String name) {
        try (InputStream in = TlsFixtures.class.getResourceAsStream("/tls/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture src/test/resources/tls/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
