package org.nfqwall.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpAddressesTest {
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
            "0x0000000000000000, 0x0000fffe0a630001, ::fffe:a63:1",
            "0x0000000000000001, 0x0000ffff0a630001, ::1:0:ffff:a63:1",
    })
    void formatsAsRfc5952OrDottedQuad(String hi, String lo, String expected) {
        assertEquals(expected, IpAddresses.format(Long.parseUnsignedLong(hi.substring(2), 16),
                Long.parseUnsignedLong(lo.substring(2), 16)));
    }

    @Test
    void mapsIpv4IntoTheLowHalf() {
        assertEquals(0x0000FFFF_C0A80101L, IpAddresses.mapIpv4(0xC0A80101));
        assertTrue(IpAddresses.isIpv4Mapped(0, IpAddresses.mapIpv4(0)));
        assertFalse(IpAddresses.isIpv4Mapped(1, IpAddresses.mapIpv4(0)));
        assertFalse(IpAddresses.isIpv4Mapped(0, 1));
    }
}
