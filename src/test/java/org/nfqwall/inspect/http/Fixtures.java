package org.nfqwall.inspect.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Loads request fixtures from src/test/resources/http (see the README there). */
final class Fixtures {
    private Fixtures() {
    }

    /** A text fixture with every LF turned into CRLF. */
    static byte[] http(String name) {
        String text = new String(resource(name), StandardCharsets.ISO_8859_1);
        return text.replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A hex fixture: whitespace-separated hex pairs, '#' comment lines. */
    static byte[] hex(String name) {
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

    /** Text with each LF turned into CRLF, as ISO-8859-1 bytes. */
    static byte[] crlf(String text) {
        return text.replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] resource(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/http/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture src/test/resources/http/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
