package org.nfqwall.nfq;

import static org.nfqwall.nfq.Netlink.NFGENMSG_LEN;
import static org.nfqwall.nfq.Netlink.NLA_HDRLEN;
import static org.nfqwall.nfq.Netlink.NLMSG_HDRLEN;
import static org.nfqwall.nfq.Netlink.NLM_F_ACK;
import static org.nfqwall.nfq.Netlink.NLM_F_REQUEST;
import static org.nfqwall.nfq.Netlink.align4;
import static org.nfqwall.nfq.Netlink.putAttributeHeader;
import static org.nfqwall.nfq.Netlink.putMessageHeader;

import java.nio.ByteBuffer;

/**
 * Builds the one ipset netlink request nfqwall sends, IPSET_CMD_ADD of one address with a
 * timeout, into a caller's buffer (the layout of the kernel's
 * include/uapi/linux/netfilter/ipset/ip_set.h, read by net/netfilter/ipset/ip_set_core.c):
 *
 * <pre>
 * nlmsghdr     len, type = NFNL_SUBSYS_IPSET &lt;&lt; 8 | IPSET_CMD_ADD, flags = REQUEST|ACK, seq, pid 0
 * nfgenmsg     family (NFPROTO_IPV4 / NFPROTO_IPV6), version 0, res_id 0
 * IPSET_ATTR_PROTOCOL   u8  IPSET_PROTOCOL_MIN (6: every kernel since 3.x takes it)
 * IPSET_ATTR_SETNAME    NUL-terminated name, at most 31 characters
 * IPSET_ATTR_DATA | NLA_F_NESTED
 *   IPSET_ATTR_IP | NLA_F_NESTED
 *     IPSET_ATTR_IPADDR_IPV4 | NLA_F_NET_BYTEORDER   be32      (or IPV6: 16 bytes)
 *   IPSET_ATTR_TIMEOUT | NLA_F_NET_BYTEORDER         be32 seconds
 * </pre>
 *
 * Netlink headers are in host order, the address and timeout in network order. Without
 * NLM_F_EXCL the kernel treats an address already in the set as success and renews its timeout
 * (what {@code ipset add -exist} does). Writes with absolute indexes; allocates nothing.
 * Stateless; any thread.
 */
final class IpsetMessages {
    static final int NFNL_SUBSYS_IPSET = 6;
    static final int IPSET_CMD_ADD = 9;
    static final int TYPE_ADD = (NFNL_SUBSYS_IPSET << 8) | IPSET_CMD_ADD;
    /** The oldest protocol the kernel still accepts for ADD (IPSET_PROTOCOL_MIN): {@value}. */
    static final int IPSET_PROTOCOL = 6;
    /** IPSET_MAXNAMELEN, the terminating NUL included: {@value}. */
    static final int MAX_NAME_BYTES = 32;
    static final int NLA_F_NESTED = 0x8000;
    static final int NLA_F_NET_BYTEORDER = 0x4000;
    static final int NFPROTO_IPV4 = 2;
    static final int NFPROTO_IPV6 = 10;

    static final int IPSET_ATTR_PROTOCOL = 1;
    static final int IPSET_ATTR_SETNAME = 2;
    static final int IPSET_ATTR_DATA = 7;
    /** Inside IPSET_ATTR_DATA (the "cadt" attributes). */
    static final int IPSET_ATTR_IP = 1;
    static final int IPSET_ATTR_TIMEOUT = 6;
    /** Inside IPSET_ATTR_IP. */
    static final int IPSET_ATTR_IPADDR_IPV4 = 1;
    static final int IPSET_ATTR_IPADDR_IPV6 = 2;

    /** A request is at most this long: {@value} bytes. */
    static final int MAX_ADD_BYTES = NLMSG_HDRLEN + NFGENMSG_LEN + 8 + NLA_HDRLEN + MAX_NAME_BYTES + 4 * NLA_HDRLEN + 16 + 4;
    /** The most seconds the kernel keeps an entry (IPSET_MAX_TIMEOUT); it caps larger values to this: {@value}. */
    static final long MAX_TIMEOUT_SECONDS = 2_147_483;

    private IpsetMessages() {
    }

    /**
     * Writes the ADD request for one address at {@code buf[0, ...)} and returns its length.
     * {@code hi}/{@code lo} is the address as 128 bits; for IPv4 the low 32 bits of {@code lo}.
     * The timeout is clamped to 1..{@value #MAX_TIMEOUT_SECONDS} (0 would mean "never expires").
     *
     * @throws IllegalArgumentException when {@code setName} is empty, longer than 31 characters or not ASCII
     */
    static int putAdd(ByteBuffer buf, int seq, String setName, boolean ipv6, long hi, long lo, long timeoutSeconds) {
        int n = setName.length();
        if (n == 0 || n >= MAX_NAME_BYTES) {
            throw new IllegalArgumentException("an ipset name has 1 to 31 characters: " + setName);
        }
        int pos = NLMSG_HDRLEN;
        buf.put(pos, (byte) (ipv6 ? NFPROTO_IPV6 : NFPROTO_IPV4));
        buf.put(pos + 1, (byte) 0);
        buf.putShort(pos + 2, (short) 0);
        pos += NFGENMSG_LEN;
        pos = putAttributeHeader(buf, pos, IPSET_ATTR_PROTOCOL, 1);
        buf.putInt(pos, 0);
        buf.put(pos, (byte) IPSET_PROTOCOL);
        pos += 4;
        int nameStart = putAttributeHeader(buf, pos, IPSET_ATTR_SETNAME, n + 1);
        for (int i = 0; i < align4(n + 1); i++) {
            char c = i < n ? setName.charAt(i) : 0;
            if (c > 0x7E || (i < n && c < 0x21)) {
                throw new IllegalArgumentException("an ipset name is printable ASCII: " + setName);
            }
            buf.put(nameStart + i, (byte) c);
        }
        pos = nameStart + align4(n + 1);
        int addressBytes = ipv6 ? 16 : 4;
        int ipLength = NLA_HDRLEN + NLA_HDRLEN + addressBytes;
        int dataStart = pos;
        pos = putAttributeHeader(buf, pos, IPSET_ATTR_DATA | NLA_F_NESTED, ipLength + NLA_HDRLEN + 4);
        pos = putAttributeHeader(buf, pos, IPSET_ATTR_IP | NLA_F_NESTED, NLA_HDRLEN + addressBytes);
        if (ipv6) {
            pos = putAttributeHeader(buf, pos, IPSET_ATTR_IPADDR_IPV6 | NLA_F_NET_BYTEORDER, 16);
            buf.putLong(pos, hi);
            buf.putLong(pos + 8, lo);
            pos += 16;
        } else {
            pos = putAttributeHeader(buf, pos, IPSET_ATTR_IPADDR_IPV4 | NLA_F_NET_BYTEORDER, 4);
            buf.putInt(pos, (int) lo);
            pos += 4;
        }
        pos = putAttributeHeader(buf, pos, IPSET_ATTR_TIMEOUT | NLA_F_NET_BYTEORDER, 4);
        buf.putInt(pos, (int) Math.max(1, Math.min(MAX_TIMEOUT_SECONDS, timeoutSeconds)));
        pos += 4;
        assert pos - dataStart == NLA_HDRLEN + ipLength + NLA_HDRLEN + 4;
        putMessageHeader(buf, 0, pos, TYPE_ADD, NLM_F_REQUEST | NLM_F_ACK, seq);
        return pos;
    }
}
