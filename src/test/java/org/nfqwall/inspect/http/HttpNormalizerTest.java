package org.nfqwall.inspect.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HttpNormalizerTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "/|/",
        "''|/",
        "/a/b|/a/b",
        "/a/%2e%2e/APP2/x|/APP2/x",
        "//APP2|/APP2",
        "/APP1/../APP2|/APP2",
        "/a/./b|/a/b",
        "/a/b/.|/a/b/",
        "/a/b/..|/a/",
        "/a/b/../|/a/",
        "/../../x|/x",
        "/.|/",
        "/..|/",
        "/%2e%2E/x|/x",
        "/.%2e/x|/x",
        "/a%2Fb|/a/b",
        "/a%2F..%2Fb|/b",
        "/a%252e%252e/b|/a%2e%2e/b",
        "/%41%42C|/ABC",
        "/%e2%82%ac|/\u20ac",
        "/%C0%AE%C0%AE/x|/\ufffd\ufffd\ufffd\ufffd/x",
        "/%ff|/\ufffd",
        "/100%|/100%",
        "/a%2|/a%2",
        "/a%zz|/a%zz",
        "/x//../APP2|/APP2",
        "///a///b//|/a/b/",
        "/a/..b/c|/a/..b/c",
        "/a/.../c|/a/.../c",
        "/Case/Kept|/Case/Kept",
        "/caf\u00e9|/caf\u00e9",
        "relative/x|/relative/x",
    })
    void normalisesPath(String raw, String expected) {
        assertEquals(expected, HttpNormalizer.normalizePath(raw));
    }

    @Test
    void keepsEncodedNulAsNul() {
        assertEquals("/a\u0000b", HttpNormalizer.normalizePath("/a%00b"));
    }

    @Test
    void removesDotSegmentsAsRfc3986Examples() {
        // RFC 3986 5.2.4 worked examples
        assertEquals("/a/g", HttpNormalizer.removeDotSegments("/a/b/c/./../../g"));
        assertEquals("mid/6", HttpNormalizer.removeDotSegments("mid/content=5/../6"));
    }

    @Test
    void readsAsciiHexDigitsOnly() {
        assertEquals(0, HttpNormalizer.hexValue('0'));
        assertEquals(9, HttpNormalizer.hexValue('9'));
        assertEquals(10, HttpNormalizer.hexValue('a'));
        assertEquals(15, HttpNormalizer.hexValue('F'));
        assertEquals(-1, HttpNormalizer.hexValue('g'));
        assertEquals(-1, HttpNormalizer.hexValue('\u0663')); // ARABIC-INDIC DIGIT THREE
    }
}
