package org.nfqwall.inspect.quic;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hex fixtures under {@code src/test/resources/quic/}: "name = hex" lines, indented lines
 * continuing the previous value, {@code #} comments, spaces ignored.
 */
final class QuicVectors {
    static final String RFC9001 = "/quic/rfc9001-appendix-a.txt";
    static final String RFC9369 = "/quic/rfc9369-appendix-a.txt";

    private QuicVectors() {
    }

    static Map<String, byte[]> load(String resource) {
        Map<String, StringBuilder> text = new LinkedHashMap<>();
        try (InputStream in = QuicVectors.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            StringBuilder current = null;
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                if (Character.isWhitespace(line.charAt(0))) {
                    current.append(line.strip());
                } else {
                    int eq = line.indexOf('=');
                    current = new StringBuilder(line.substring(eq + 1).strip());
                    text.put(line.substring(0, eq).strip(), current);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, byte[]> values = new LinkedHashMap<>();
        text.forEach((name, hex) -> values.put(name, hex(hex.toString())));
        return values;
    }

    static byte[] hex(String s) {
        String digits = s.replaceAll("\\s", "");
        if (digits.length() % 2 != 0) {
            throw new IllegalArgumentException("odd number of hex digits: " + digits.length());
        }
        byte[] out = new byte[digits.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    static String toHex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) {
            sb.append(Character.forDigit((x >>> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
        }
        return sb.toString();
    }
}
