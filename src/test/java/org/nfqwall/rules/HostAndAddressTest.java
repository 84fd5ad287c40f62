package org.nfqwall.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostAndAddressTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "Example.COM.            | example.com",
        "*.Example.com           | *.example.com",
        "*.example.com.          | *.example.com",
        "_dmarc.example.com      | _dmarc.example.com",
        "localhost               | localhost",
        "10.99.2.2               | 10.99.2.2",
        "FD99:2:0:0:0:0:0:2      | fd99:2::2",
        "[fd99:2::2]             | fd99:2::2",
        "2001:db8:0:0:1:0:0:1    | 2001:db8::1:0:0:1",
        "2001:0db8::0001         | 2001:db8::1",
        "2001:db8:0:1:1:1:1:1    | 2001:db8:0:1:1:1:1:1",
        "0:0:0:0:0:0:0:0         | ::",
        "::1                     | ::1",
        "::ffff:10.1.2.3         | ::ffff:10.1.2.3",
        "::FFFF:a01:203          | ::ffff:10.1.2.3",
        "fe80::                  | fe80::",
    })
    void normalisesHostPatterns(String raw, String canonical) throws BadValueException {
        assertEquals(canonical, HostCondition.normalisePattern(raw));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "Example.COM:8080         | example.com",
        "example.com.             | example.com",
        "[FD99:2::0002]:443       | fd99:2::2",
        "[fd99:2::2]              | fd99:2::2",
        "10.99.2.2:80             | 10.99.2.2",
        "fd99:2::2                | fd99:2::2",
        // what a request may send: surrounding space, empty port, repeated trailing dots, escapes
        "'  Example.COM\t'        | example.com",
        "' www.example.com.:80 '  | www.example.com",
        "example.com:             | example.com",
        "example.com..:443        | example.com",
        "example.com...           | example.com",
        "10.99.2.2.               | 10.99.2.2",
        "%65xample.com            | example.com",
        "%45XAMPLE.com            | example.com",
        "www%2Eexample.com        | www.example.com",
        "under_score.example      | under_score.example",
        "192.0.2.1:80             | 192.0.2.1",
        "[::1]                    | ::1",
        "[::1]:8080               | ::1",
        "[::1]:                   | ::1",
        "[2001:DB8::1]            | 2001:db8::1",
        "[2001:0db8:0000:0000:0000:0000:0000:0001] | 2001:db8::1",
        "[2001:db8:0:0:1:0:0:1]   | 2001:db8::1:0:0:1",
        "[2001:db8:0:1:1:1:1:1]   | 2001:db8:0:1:1:1:1:1",
        "[0:0:0:0:0:0:0:0]        | ::",
        "[1::]                    | 1::",
        "[::ffff:192.0.2.1]       | ::ffff:192.0.2.1",
        "[::FFFF:c000:0201]       | ::ffff:192.0.2.1",
        "[64:ff9b::192.0.2.1]     | 64:ff9b::c000:201",
    })
    void normalisesHostHeaders(String header, String canonical) {
        assertEquals(canonical, HostNames.normalise(header));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", "a..b", "[fd99::2", "[fd99::2]x", "ex ample.com", "999.1.1.1", "é.com",
        "   ", ".", "...", ":80", ".a.example", "a/b", "a\\b", "a,b", "a*b", "a.example/x",
        "a.example,b.example", "user@a.example", "user:pw@a.example:80",
        "a.example:80:80", "a.example:x", "a.example:80x", "a.example: 80", "[::1", "[::1]x", "[::1]:x",
        "[1:2:3:4:5:6:7:8:9]", "[1::2::3]", "[12345::]", "[:1::]", "[1:]", "[]", "[fe80::1%25eth0]",
        "[::1.2.3]", "[::256.1.1.1]", "[::01.1.1.1]", "[v1.future]",
        "%", "%6", "%zz.example", "%ff.example", "%2F.example", "a%00b", "a%2520b", "ex%3a80",
        "b%C3%BCcher.example", "B\u00dcCHER.example", "a\ufffd.example", "1.2.3", "010.1.1.1"})
    void refusesInvalidHostHeaders(String header) {
        assertNull(HostNames.normalise(header));
    }

    @Test
    void nullHostIsNull() {
        assertNull(HostNames.normalise(null));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '^', value = {
        "^^                  | empty host, expected a name like www.example.com or an IP address",
        "a..b                | empty label between dots, expected labels of 1..63 characters",
        ".                   | empty host, expected a name like www.example.com or an IP address",
        "ex ample.com        | character \" \" is not allowed, expected letters, digits, '-', '_' and dots",
        "bücher.de           | non-ASCII character \"ü\", expected the ASCII (punycode, xn--...) form of the name",
        "*                   | \"*\" alone is not a host pattern, expected \"*.name\" (leave out host: to match any host)",
        "*.                  | \"*.\" must be followed by a name, expected a form like *.example.com",
        "a.*.com             | '*' is only allowed as a leading \"*.\", expected a form like *.example.com",
        "*.*.com             | '*' is only allowed as a leading \"*.\", expected a form like *.example.com",
        "*.10.0.0.1          | \"*.\" must be followed by a name, not an IP address",
        "*.[::1]             | \"*.\" must be followed by a name, not an IP address",
        "host:80             | a port is not part of a host, expected the host alone (match ports with dport)",
        "999.1.1.1           | not a valid IPv4 address, expected four numbers 0..255 like 192.168.1.10",
        "1.2.3               | not a valid IPv4 address, expected four numbers 0..255 like 192.168.1.10",
        "010.1.1.1           | leading zero in an IPv4 address, expected plain decimal numbers like 10.0.0.1",
        "fe80::1%eth0        | zone ids (%...) are not allowed in an IPv6 address, expected a form like fe80::1",
        "1::2::3             | \"::\" appears twice in an IPv6 address, expected it at most once",
        "1:2:3:4:5:6:7:8:9   | not a valid IPv6 address, expected a form like fd00::1 or 2001:db8::/32",
        "[::1                | unclosed \"[\", expected an IPv6 address in brackets like [fd00::1]",
    })
    void rejectsBadHostPatterns(String raw, String message) {
        BadValueException e = assertThrows(BadValueException.class, () -> HostCondition.normalisePattern(raw));
        assertEquals(message, e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {64, 70})
    void rejectsLongLabels(int length) {
        String label = "a".repeat(length);
        BadValueException e = assertThrows(BadValueException.class,
                () -> HostCondition.normalisePattern(label + ".com"));
        assertEquals("label \"" + label + "\" is " + length + " characters long, expected at most 63", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {254, 300})
    void rejectsLongNames(int length) {
        String name = ("a".repeat(49) + ".").repeat(7).substring(0, length - 4) + ".com";
        BadValueException e = assertThrows(BadValueException.class, () -> HostCondition.normalisePattern(name));
        assertEquals("name is " + length + " characters long, expected at most 253", e.getMessage());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "10.99.1.0/24          | 10.99.1.0/24",
        "10.99.1.2             | 10.99.1.2/32",
        "0.0.0.0/0             | 0.0.0.0/0",
        "fd99:1::/64           | fd99:1::/64",
        "FD99:1:0:0::/64       | fd99:1::/64",
        "::/0                  | ::/0",
        "fd99:2::2             | fd99:2::2/128",
    })
    void parsesPrefixes(String text, String canonical) throws BadValueException {
        assertEquals(canonical, AddressPrefix.parse(text).text());
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "10.0.0.0/33    | prefix length 33 is out of range, expected 0..32 for IPv4",
        "fd00::/129     | prefix length 129 is out of range, expected 0..128 for IPv6",
        "10.0.0.0/      | prefix length \"\" is not a number, expected 0..32 after the \"/\"",
        "10.0.0.0/x     | prefix length \"x\" is not a number, expected 0..32 after the \"/\"",
        "10.1.2.3/16    | host bits are set after the /16, expected the network address 10.1.0.0/16",
        "fd00::1/64     | host bits are set after the /64, expected the network address fd00::/64",
        "10.0.0         | not a valid IPv4 address, expected four numbers 0..255 like 192.168.1.10",
        "fd00:::1       | not a valid IPv6 address, expected a form like fd00::1 or 2001:db8::/32",
        "fd00::g        | not a valid IPv6 address, expected a form like fd00::1 or 2001:db8::/32",
    })
    void rejectsBadPrefixes(String text, String message) {
        BadValueException e = assertThrows(BadValueException.class, () -> AddressPrefix.parse(text));
        assertEquals(message, e.getMessage());
    }
}
