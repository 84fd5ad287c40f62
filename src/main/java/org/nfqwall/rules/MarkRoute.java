package org.nfqwall.rules;

/**
 * Where a named mark sends its traffic: the routing table its {@code ip rule fwmark} looks up,
 * and optionally the default route that {@code nfqwall routing} puts in that table. Immutable.
 *
 * @param table    the routing table, 1-4294967295 except the kernel's own 253 (default),
 *                 254 (main) and 255 (local)
 * @param via      the IPv4 gateway of the table's default route, or null
 * @param via6     the IPv6 gateway of the table's default route, or null
 * @param dev      the device of the table's default route (a gateway's device, or a
 *                 point-to-point link such as {@code wg0}), or null
 * @param priority the {@code ip rule} preference, 2-32765 (the routing script uses the one below too), or 0 for the generator's default
 */
public record MarkRoute(long table, String via, String via6, String dev, int priority) {
    /** Highest {@code ip rule} preference an admin may give: {@value} (32766 is the main table's rule). */
    public static final int MAX_PRIORITY = 32765;

    /** True when {@code nfqwall routing} writes a default route for IPv4 (a gateway or a device). */
    public boolean routesIpv4() {
        return via != null || dev != null && via6 == null;
    }

    /** True when {@code nfqwall routing} writes a default route for IPv6 (a gateway or a device). */
    public boolean routesIpv6() {
        return via6 != null || dev != null && via == null;
    }
}
