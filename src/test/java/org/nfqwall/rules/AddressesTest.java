package org.nfqwall.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressesTest {
    @ParameterizedTest(name = "{0}:{1} is {2}")
    @CsvSource({
            "0x0000000000000000, 0x0000000000000000, ::",
            "0x0000000000000000, 0x0000000000000001, ::1",
            "0x20010db800000000, 0x0000000000000001, 2001:db8::1",
            "0x20010db800000000, 0x0001000000000001, 2001:db8::1:0:0:1",
            "0x20010db800000001, 0x0001000100010001, 2001:db8:0:1:1:1:1:1",
            "0x20010db800000000, 0x0000000000000000, 2001:db8::",
            "0x20010db800000000, 0x00010000000a0000, 2001:db8::1:0:a:0",
            "0x20010db800010000, 0x0000000100000000, 2001:db8:1::1:0:0",
            "0xfe80000000000000, 0x9c1aaafffe101eeb, fe80::9c1a:aaff:fe10:1eeb",
            "0xffffffffffffffff, 0xffffffffffffffff, ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "0x0000000000000000, 0x0000ffff0a630001, 10.99.0.1",
            "0x0000000000000000, 0x0000ffffffffffff, 255.255.255.255",
            "0x0000000000000000, 0x0000ffff00000000, 0.0.0.0",
            "0x0000000000000000, 0x0000fffe0a630001, ::fffe:a63:1",
            "0x0000000000000001, 0x0000ffff0a630001, ::1:0:ffff:a63:1",
    })
    void formatsIpv4MappedAsDottedQuadAndOthersAsRfc5952(String hi, String lo, String expected) {
        assertEquals(expected, Addresses.format(Long.parseUnsignedLong(hi.substring(2), 16),
                Long.parseUnsignedLong(lo.substring(2), 16)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"2001:db8::1", "fd99:2::2", "::", "1::", "::ffff:10.1.2.3", "64:ff9b::c000:201"})
    void formatReadsBackWhatItParses(String text) throws BadValueException {
        long[] v6 = Addresses.parseIpv6(text);
        String printed = Addresses.format(v6[0], v6[1]);
        assertEquals(text.startsWith("::ffff:") ? text.substring(7) : text, printed);
    }
}
