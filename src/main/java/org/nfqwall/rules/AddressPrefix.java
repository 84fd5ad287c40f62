package org.nfqwall.rules;

/**
 * One address or CIDR prefix from a rules file, as a 128-bit value and mask; IPv4 is mapped to
 * {@code ::ffff:0:0/96} so that IPv4 {@code /n} becomes {@code /96+n} and one comparison serves
 * both families. Immutable.
 */
record AddressPrefix(long hi, long lo, long maskHi, long maskLo, int length, boolean ipv4) {

    /** Parses {@code ADDRESS} or {@code ADDRESS/LENGTH}; a bare address is a full-length prefix. */
    static AddressPrefix parse(String text) throws BadValueException {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        boolean ipv4 = address.indexOf(':') < 0;
        int max = ipv4 ? 32 : 128;
        int length = max;
        if (slash >= 0) {
            String len = text.substring(slash + 1);
            if (len.isEmpty() || len.length() > 3 || !Addresses.looksLikeIpv4(len) || len.indexOf('.') >= 0) {
                throw new BadValueException("prefix length \"" + len + "\" is not a number, expected 0.." + max
                        + " after the \"/\"");
            }
            length = Integer.parseInt(len);
            if (length > max) {
                throw new BadValueException("prefix length " + length + " is out of range, expected 0.." + max
                        + " for " + (ipv4 ? "IPv4" : "IPv6"));
            }
        }
        long hi;
        long lo;
        if (ipv4) {
            hi = 0;
            lo = Addresses.IPV4_MAPPED_LO | (Addresses.parseIpv4(address) & 0xFFFFFFFFL);
        } else {
            long[] v6 = Addresses.parseIpv6(address);
            hi = v6[0];
            lo = v6[1];
        }
        int bits = ipv4 ? 96 + length : length;
        long maskHi = bits >= 64 ? -1L : bits == 0 ? 0 : -1L << (64 - bits);
        long maskLo = bits <= 64 ? 0 : -1L << (128 - bits);
        if ((hi & ~maskHi) != 0 || (lo & ~maskLo) != 0) {
            AddressPrefix network = new AddressPrefix(hi & maskHi, lo & maskLo, maskHi, maskLo, length, ipv4);
            throw new BadValueException("host bits are set after the /" + length + ", expected the network address "
                    + network.text());
        }
        return new AddressPrefix(hi, lo, maskHi, maskLo, length, ipv4);
    }

    /** Canonical text: {@code 10.0.0.0/8}, {@code fd00::/64} (RFC 5952), always with the length. */
    String text() {
        String address = ipv4 ? Addresses.formatIpv4((int) lo) : Addresses.formatIpv6(hi, lo);
        return address + "/" + length;
    }
}
