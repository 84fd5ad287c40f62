package org.nfqwall.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class IpAddressesTest {
    @Test
    void mapsIpv4IntoTheLowHalf() {
        assertEquals(0x0000FFFF_C0A80101L, IpAddresses.mapIpv4(0xC0A80101));
        assertEquals(0x0000FFFF_00000000L, IpAddresses.mapIpv4(0));
        assertEquals(0x0000FFFF_FFFFFFFFL, IpAddresses.mapIpv4(0xFFFFFFFF));
    }
}
