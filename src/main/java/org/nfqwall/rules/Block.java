package org.nfqwall.rules;

import java.util.Objects;

/**
 * One timed block: traffic from a source prefix, to a destination prefix and/or for a host name
 * (exact, or {@code *.x} for the names under x, as in rules) is dropped until it expires. Every
 * selector given must match; at least one is given.
 *
 * <p>Immutable; built by {@link #create}, which checks and normalises the selectors. Matching
 * ({@link #matches}) allocates nothing.
 */
public final class Block {
    private final long id;
    private final AddressPrefix src;
    private final AddressPrefix dst;
    private final String host;
    /** For {@code *.x}: {@code .x}, which a matching name ends with; null for an exact name. */
    private final String hostSuffix;
    private final long expiresAtMillis;
    private final String reason;
    private final Rule rule;

    private Block(long id, AddressPrefix src, AddressPrefix dst, String host, long expiresAtMillis, String reason) {
        this.id = id;
        this.src = src;
        this.dst = dst;
        this.host = host;
        this.hostSuffix = host != null && host.startsWith("*.") ? host.substring(1) : null;
        this.expiresAtMillis = expiresAtMillis;
        this.reason = reason;
        this.rule = new Rule("block:" + id, 0, 0, Verdict.DROP, 0, null, null, null, null, null, null, null, null,
                null, null, null);
    }

    /**
     * A block with normalised selectors.
     *
     * @param src an address or CIDR, or null
     * @param dst an address or CIDR, or null
     * @param host a host name or {@code *.name}, or null
     * @throws IllegalArgumentException saying which selector is wrong and what is expected
     */
    public static Block create(long id, String src, String dst, String host, long expiresAtMillis, String reason) {
        if (src == null && dst == null && host == null) {
            throw new IllegalArgumentException("a block needs at least one of src, dst and host");
        }
        AddressPrefix s = prefix("src", src);
        AddressPrefix d = prefix("dst", dst);
        if (s != null && d != null && s.ipv4() != d.ipv4()) {
            throw new IllegalArgumentException("src " + src + " and dst " + dst + " are of different families,"
                    + " expected two IPv4 or two IPv6 prefixes");
        }
        return new Block(id, s, d, hostPattern(host), expiresAtMillis, reason == null ? "" : reason);
    }

    /** The same selectors and reason with another id and end. */
    public Block withIdAndExpiry(long newId, long newExpiresAtMillis) {
        return new Block(newId, src, dst, host, newExpiresAtMillis, reason);
    }

    private static AddressPrefix prefix(String what, String text) {
        if (text == null) {
            return null;
        }
        try {
            AddressPrefix p = AddressPrefix.parse(text.trim());
            if (p.length() == 0) {
                throw new IllegalArgumentException(what + " " + text + " blocks every address, expected a prefix"
                        + " of length 1 or more");
            }
            return p;
        } catch (BadValueException e) {
            throw new IllegalArgumentException(what + " \"" + text + "\": " + e.getMessage());
        }
    }

    private static String hostPattern(String text) {
        if (text == null) {
            return null;
        }
        String t = text.trim();
        boolean wildcard = t.startsWith("*.");
        try {
            String name = HostNames.canonical(wildcard ? t.substring(2) : t);
            return wildcard ? "*." + name : name;
        } catch (BadValueException e) {
            throw new IllegalArgumentException("host \"" + text + "\": " + e.getMessage()
                    + " (a name like www.example.com, or *.example.com for the names under it)");
        }
    }

    /** True while the block is in force at {@code nowMillis} and every selector matches the facts. */
    public boolean matches(Facts f, long nowMillis) {
        if (nowMillis >= expiresAtMillis) {
            return false;
        }
        if (src != null && ((f.srcHi & src.maskHi()) != src.hi() || (f.srcLo & src.maskLo()) != src.lo())) {
            return false;
        }
        if (dst != null && ((f.dstHi & dst.maskHi()) != dst.hi() || (f.dstLo & dst.maskLo()) != dst.lo())) {
            return false;
        }
        if (host == null) {
            return true;
        }
        for (int i = 0; i < f.hostCount; i++) {
            if (hostMatches(f.hosts[i])) {
                return true;
            }
        }
        return false;
    }

    /** True when {@code name} (normalised) is the block's host, or under it for {@code *.x}. */
    public boolean hostMatches(String name) {
        if (host == null || name == null) {
            return false;
        }
        return hostSuffix == null ? host.equals(name) : name.endsWith(hostSuffix);
    }

    /** True when the two blocks have the same selectors (their id, end and reason aside). */
    public boolean sameSelectors(Block other) {
        return Objects.equals(src(), other.src()) && Objects.equals(dst(), other.dst())
                && Objects.equals(host, other.host);
    }

    /** True for a block on addresses alone, src or dst but not both: the kernel's ipsets carry those. */
    public boolean kernelOnly() {
        return host == null && (src == null) != (dst == null);
    }

    /** True when the prefixes are IPv4 (or there are none). */
    public boolean ipv4() {
        return src != null ? src.ipv4() : dst == null || dst.ipv4();
    }

    public long id() {
        return id;
    }

    /** The source prefix in canonical form ({@code 10.0.0.0/8}, {@code 10.0.0.1/32}), or null. */
    public String src() {
        return src == null ? null : src.text();
    }

    /** The destination prefix in canonical form, or null. */
    public String dst() {
        return dst == null ? null : dst.text();
    }

    /** The normalised host or {@code *.name}, or null. */
    public String host() {
        return host;
    }

    public long expiresAtMillis() {
        return expiresAtMillis;
    }

    public String reason() {
        return reason;
    }

    /** The rule the decision log names for this block: {@code block:ID}, verdict drop, line 0. */
    public Rule rule() {
        return rule;
    }

    /** {@code src 10.0.0.0/8 dst ... host ...}: the selectors given. */
    public String selectors() {
        StringBuilder sb = new StringBuilder();
        if (src != null) {
            sb.append("src ").append(src());
        }
        if (dst != null) {
            sb.append(sb.length() > 0 ? " " : "").append("dst ").append(dst());
        }
        if (host != null) {
            sb.append(sb.length() > 0 ? " " : "").append("host ").append(host);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "block " + id + ": " + selectors();
    }
}
