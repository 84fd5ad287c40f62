package org.nfqwall.gen;

/**
 * The iptables matches that recognise a data-less TCP ACK: flags exactly ACK among
 * SYN/ACK/FIN/RST, and no payload. Such a packet teaches nfqwall nothing, and on a long download
 * it is most of what the client sends, so the ruleset accepts it before the queue rule. Pure
 * functions; stateless and thread-safe.
 *
 * <p>The {@code length} match cannot subtract header sizes, so the payload test is done with
 * {@code u32}, whose {@code @} operator moves its read position by a value read from the packet:
 * {@code X@P} reads at position {@code X + P} and fails (the whole match is false) when fewer
 * than 4 bytes are left there. Reading at {@code 4*D + P}, where D is the TCP data offset, thus
 * tests "packet length is at least {@code 4*D + P + 4}". One positive test says the packet holds
 * the whole TCP header; a second, negated, says it does not hold one byte more. Together: the
 * packet length is exactly IP header + TCP header, zero payload. u32 reads the packet as the
 * kernel holds it, whose length is the IP total length (IPv4) or 40 + payload length (IPv6):
 * the kernel trims anything beyond that before the filter table sees it.
 *
 * <p>Only the plain header layouts are recognised: IPv4 without options and not a fragment,
 * IPv6 whose next header is TCP (no extension headers). Anything else is simply queued, as it
 * was before these rules.
 */
final class PureAckMatch {
    /** The TCP flags match: of SYN, ACK, FIN and RST exactly ACK, as iptables -S prints it. */
    static final String TCP_FLAGS = "-m tcp --tcp-flags FIN,SYN,RST,ACK ACK";

    private PureAckMatch() {
    }

    /**
     * The matches after {@code -p tcp} for one address family, written exactly as
     * {@code iptables -S} prints them back (hex numbers, no spaces).
     *
     * <pre>
     * IPv4, RFC 791 section 3.1 (offsets from the start of the IP header):
     *    0                   1                   2                   3
     *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     *  0 |Version|  IHL  |Type of Service|         Total Length          |  0>>24 = 0x45: v4, no options
     *  4 |        Identification         |Flags|   Fragment Offset       |  4&0x3fff = 0: MF clear, offset 0
     *  ...                                                                  (TCP starts at 20)
     * 32 | Data  |           |                                           |  TCP offset 12: 32>>28 = D
     *    | Offset|           |                                           |  32>>26&0x3c = 4*D
     *
     * IPv6, RFC 8200 section 3:
     *  0 |Version| Traffic Class |           Flow Label                  |  0>>28 = 6
     *  4 |         Payload Length        |  Next Header  |   Hop Limit   |  6>>24 = 6: next header TCP
     *  ... addresses ...                                                    (TCP starts at 40)
     * 52 | Data  | ...                                                   |  52>>28 = D, 52>>26&0x3c = 4*D
     * </pre>
     *
     * IPv4: the TCP header is whole when length &gt;= 20 + 4*D, i.e. 4 bytes readable at
     * 4*D + 16; payload exists when length &gt;= 21 + 4*D, readable at 4*D + 17. IPv6 the same
     * with 40: readable at 4*D + 36, and at 4*D + 37.
     */
    static String matches(boolean ipv6) {
        // u32 numbers as iptables prints them: 0x-hex, lower case.
        String tcpOffsetWord = ipv6 ? "0x34" : "0x20";
        String headerEnd = ipv6 ? "0x24" : "0x10";
        String firstPayloadByte = ipv6 ? "0x25" : "0x11";
        String plainHeader = ipv6
                ? "0x0>>0x1c=0x6&&0x6>>0x18=0x6"
                : "0x0>>0x18=0x45&&0x4&0x3fff=0x0";
        String dataOffset = tcpOffsetWord + ">>0x1a&0x3c";
        return TCP_FLAGS
                + " -m u32 --u32 \"" + plainHeader
                + "&&" + tcpOffsetWord + ">>0x1c=0x5:0xf"
                + "&&" + dataOffset + "@" + headerEnd + "=0x0:0xffffffff\""
                + " -m u32 ! --u32 \"" + dataOffset + "@" + firstPayloadByte + "=0x0:0xffffffff\"";
    }
}
