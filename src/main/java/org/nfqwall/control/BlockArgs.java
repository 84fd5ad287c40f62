package org.nfqwall.control;

/**
 * The arguments of the {@code block} and {@code unblock} requests. Immutable.
 *
 * @param id the block to remove ({@code unblock} only), or null
 * @param src a source address or CIDR, or null
 * @param dst a destination address or CIDR, or null
 * @param host a host name or {@code *.name}, or null
 * @param seconds how long the block lasts ({@code block} only; 0 for {@code unblock})
 * @param reason why, for the listing ({@code block} only), or null
 */
public record BlockArgs(Long id, String src, String dst, String host, long seconds, String reason) {
    /** True when at least one of src, dst and host is given. */
    public boolean hasSelectors() {
        return src != null || dst != null || host != null;
    }
}
