package org.nfqwall.inspect.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HttpNormalizerTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "example.com|example.com",
        "  Example.COM  |example.com",
        "EXAMPLE.com:8080|example.com",
        "example.com:|example.com",
        "example.com.|example.com",
        "example.com..:443|example.com",
        "user:pw@Example.com:80|example.com",
        "a@b@c.example|c.example",
        "%65xample.com|example.com",
        "%45XAMPLE.com|example.com",
        "b%C3%BCcher.example|b\u00fccher.example",
        "B\u00dcCHER.example|b\u00fccher.example",
        "under_score.example|under_score.example",
        "192.0.2.1:80|192.0.2.1",
        "[::1]|::1",
        "[::1]:8080|::1",
        "[2001:DB8::1]|2001:db8::1",
        "[2001:0db8:0000:0000:0000:0000:0000:0001]|2001:db8::1",
        "[2001:db8:0:0:1:0:0:1]|2001:db8::1:0:0:1",
        "[2001:db8:0:1:1:1:1:1]|2001:db8:0:1:1:1:1:1",
        "[0:0:0:0:0:0:0:0]|::",
        "[1::]|1::",
        "[::ffff:192.0.2.1]|::ffff:192.0.2.1",
        "[::FFFF:c000:0201]|::ffff:192.0.2.1",
        "[64:ff9b::192.0.2.1]|64:ff9b::c000:201",
    })
    void normalisesHost(String raw, String expected) {
        assertEquals(expected, HttpNormalizer.normalizeHost(raw));
    }

    @ParameterizedTest(name = "[{0}] is invalid")
    @ValueSource(strings = {
        "", "   ", ".", "...", ":80", "user@", "a..b", ".a.example", "a b.example", "a/b", "a\\b", "a,b", "a*b",
        "a.example:80:80", "a.example:x", "::1", "[::1", "[::1]x", "[::1]:x", "[1:2:3:4:5:6:7:8:9]",
        "[1::2::3]", "[12345::]", "[:1::]", "[1:]", "[fe80::1%25eth0]", "[::1.2.3]", "[::256.1.1.1]",
        "[::01.1.1.1]", "[v1.future]", "%", "%zz.example", "%ff.example", "%2F.example", "a%00b",
    })
    void rejectsInvalidHost(String raw) {
        assertNull(HttpNormalizer.normalizeHost(raw));
    }

    @Test
    void nullHostIsNull() {
        assertNull(HttpNormalizer.normalizeHost(null));
    }

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
}
