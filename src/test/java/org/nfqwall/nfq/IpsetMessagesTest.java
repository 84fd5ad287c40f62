package org.nfqwall.nfq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The IPSET_CMD_ADD request, byte for byte, against fixtures laid out by hand from the kernel's
 * include/uapi/linux/netfilter/ipset/ip_set.h (x86_64: netlink headers little-endian).
 */
class IpsetMessagesTest {
    /** nfqwall-mark-0x10 += 10.0.0.1 timeout 3600, seq 7. */
    static final String ADD_V4 = ""
            + "4c000000" + "0906" + "0500" + "07000000" + "00000000"   // nlmsghdr: 76 bytes, ipset ADD, REQUEST|ACK, seq 7
            + "02" + "00" + "0000"                                       // nfgenmsg: NFPROTO_IPV4, v0, res_id 0
            + "0500" + "0100" + "06000000"                               // IPSET_ATTR_PROTOCOL u8 6, padded
            + "1600" + "0200" + "6e667177616c6c2d6d61726b2d3078313000" + "0000" // IPSET_ATTR_SETNAME "nfqwall-mark-0x10\0", padded
            + "1800" + "0780"                                            // IPSET_ATTR_DATA | NLA_F_NESTED, 24 bytes
            + "0c00" + "0180"                                            //   IPSET_ATTR_IP | NLA_F_NESTED
            + "0800" + "0140" + "0a000001"                               //     IPADDR_IPV4 | NET_BYTEORDER 10.0.0.1
            + "0800" + "0640" + "00000e10";                              //   IPSET_ATTR_TIMEOUT | NET_BYTEORDER 3600

    /** nfqwall-mark6-0x10 += fd00::1 timeout 60, seq 1. */
    static final String ADD_V6 = ""
            + "58000000" + "0906" + "0500" + "01000000" + "00000000"
            + "0a" + "00" + "0000"                                       // NFPROTO_IPV6
            + "0500" + "0100" + "06000000"
            + "1700" + "0200" + "6e667177616c6c2d6d61726b362d3078313000" + "00"
            + "2400" + "0780"                                            // DATA, 36 bytes
            + "1800" + "0180"                                            //   IP, 24 bytes
            + "1400" + "0240" + "fd000000000000000000000000000001"       //     IPADDR_IPV6 | NET_BYTEORDER
            + "0800" + "0640" + "0000003c";                              //   TIMEOUT 60

    @Test
    void encodesAnIpv4AddLikeTheKernelHeaderSays() {
        assertEquals(ByteOrder.LITTLE_ENDIAN, ByteOrder.nativeOrder(), "the fixtures are for little-endian hosts");
        ByteBuffer buf = buffer();
        int n = IpsetMessages.putAdd(buf, 7, "nfqwall-mark-0x10", false, 0, 0xFFFF_0A00_0001L, 3600);
        assertEquals(ADD_V4, hex(buf, n));
    }

    @Test
    void encodesAnIpv6Add() {
        ByteBuffer buf = buffer();
        int n = IpsetMessages.putAdd(buf, 1, "nfqwall-mark6-0x10", true, 0xfd00_0000_0000_0000L, 1L, 60);
        assertEquals(ADD_V6, hex(buf, n));
    }

    @Test
    void aSecondAddInTheSameBufferLeavesNothingOfTheFirst() {
        ByteBuffer buf = buffer();
        IpsetMessages.putAdd(buf, 1, "nfqwall-mark6-0x10", true, 0xfd00_0000_0000_0000L, 1L, 60);
        int n = IpsetMessages.putAdd(buf, 7, "nfqwall-mark-0x10", false, 0, 0x0A00_0001L, 3600);
        assertEquals(ADD_V4, hex(buf, n));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -5, 1})
    void aTimeoutBelowOneSecondIsOneSecond(long timeout) {
        ByteBuffer buf = buffer();
        int n = IpsetMessages.putAdd(buf, 7, "s", false, 0, 1, timeout);
        assertEquals(1, buf.getInt(n - 4));
    }

    @Test
    void aTimeoutBeyondTheKernelsLimitIsTheLimit() {
        ByteBuffer buf = buffer();
        int n = IpsetMessages.putAdd(buf, 7, "s", false, 0, 1, 1L << 40);
        assertEquals(IpsetMessages.MAX_TIMEOUT_SECONDS, buf.getInt(n - 4));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a-name-of-thirty-two-characters!", "with space", "caf\u00e9"})
    void refusesNamesTheKernelWouldNot(String name) {
        assertThrows(IllegalArgumentException.class, () -> IpsetMessages.putAdd(buffer(), 1, name, false, 0, 1, 1));
    }

    @Test
    void theLongestRequestFitsTheBuffer() {
        ByteBuffer buf = buffer();
        int n = IpsetMessages.putAdd(buf, 1, "a-name-of-thirty-one-characters", true, -1, -1, 1);
        assertEquals(IpsetMessages.MAX_ADD_BYTES, n);
    }

    private static ByteBuffer buffer() {
        return ByteBuffer.allocate(IpsetMessages.MAX_ADD_BYTES).order(ByteOrder.BIG_ENDIAN);
    }

    private static String hex(ByteBuffer buf, int length) {
        byte[] b = new byte[length];
        buf.get(0, b);
        return HexFormat.of().formatHex(b);
    }
}
