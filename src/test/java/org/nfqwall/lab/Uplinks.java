package org.nfqwall.lab;

import java.time.Duration;

/**
 * The addresses of the two-uplink lab ({@link Lab#createWithUplinks()}, {@code scripts/lab.sh up
 * PREFIX uplinks}) and what its uplinks counted.
 *
 * <pre>
 *                                  wana 10.99.2.1 ── 10.99.2.2 [upa] 10.99.4.1 ── 10.99.4.2
 *   client 10.99.1.2 ── 10.99.1.1 [fw]                                               [server] hosts 10.99.9.1-9
 *                                  wanb 10.99.3.1 ── 10.99.3.2 [upb] 10.99.5.1 ── 10.99.5.2        fd99:9::1-9
 *   (IPv6: the same with fd99:N::, e.g. upa fd99:2::2 / fd99:4::1)
 * </pre>
 *
 * <p>Each uplink MASQUERADEs towards the server, so the server sees a connection through A come
 * from {@link #SEEN_VIA_A_V4} and through B from {@link #SEEN_VIA_B_V4}. The firewall's default
 * route is via A. Stateless: only constants and reads of the lab's counters.
 */
public final class Uplinks {
    /** The firewall's address on its link to uplink A: {@value}. */
    public static final String FW_WANA_V4 = "10.99.2.1";
    /** The firewall's address on its link to uplink B: {@value}. */
    public static final String FW_WANB_V4 = "10.99.3.1";
    /** Uplink A's address on the firewall's side, the firewall's default gateway: {@value}. */
    public static final String UPLINK_A_V4 = "10.99.2.2";
    /** Uplink B's address on the firewall's side, the gateway of policy routes: {@value}. */
    public static final String UPLINK_B_V4 = "10.99.3.2";
    /** IPv6 of {@link #UPLINK_A_V4}: {@value}. */
    public static final String UPLINK_A_V6 = "fd99:2::2";
    /** IPv6 of {@link #UPLINK_B_V4}: {@value}. */
    public static final String UPLINK_B_V6 = "fd99:3::2";
    /** The source address the server sees for connections through uplink A: {@value}. */
    public static final String SEEN_VIA_A_V4 = "10.99.4.1";
    /** The source address the server sees for connections through uplink B: {@value}. */
    public static final String SEEN_VIA_B_V4 = "10.99.5.1";
    /** IPv6 of {@link #SEEN_VIA_A_V4}: {@value}. */
    public static final String SEEN_VIA_A_V6 = "fd99:4::1";
    /** IPv6 of {@link #SEEN_VIA_B_V4}: {@value}. */
    public static final String SEEN_VIA_B_V6 = "fd99:5::1";
    /** The firewall's devices towards the uplinks. */
    public static final String FW_DEV_A = "wana";
    public static final String FW_DEV_B = "wanb";
    /** The firewall's device towards the client, where downloads leave it. */
    public static final String FW_DEV_LAN = "lan0";
    /** The server has host addresses 1..{@value} (10.99.9.N and fd99:9::N). */
    public static final int HOST_COUNT = 9;

    private static final Duration T = Duration.ofSeconds(10);

    private Uplinks() {
    }

    /** The server's IPv4 address for test host {@code n} (1..{@value #HOST_COUNT}): 10.99.9.N. */
    public static String hostV4(int n) {
        return "10.99.9." + checkHost(n);
    }

    /** The server's IPv6 address for test host {@code n} (1..{@value #HOST_COUNT}): fd99:9::N. */
    public static String hostV6(int n) {
        return "fd99:9::" + checkHost(n);
    }

    private static int checkHost(int n) {
        if (n < 1 || n > HOST_COUNT) {
            throw new IllegalArgumentException("test hosts are 1.." + HOST_COUNT + ", not " + n);
        }
        return n;
    }

    /**
     * Which uplink a client address the server recorded belongs to: "A", "B", or the address
     * itself if it is neither (the lab is broken, or the packet bypassed the uplinks).
     */
    public static String uplinkSeenAs(String client) {
        return switch (client) {
            case SEEN_VIA_A_V4, SEEN_VIA_A_V6 -> "A";
            case SEEN_VIA_B_V4, SEEN_VIA_B_V6 -> "B";
            default -> client;
        };
    }

    /** What both uplinks have forwarded to and from {@code host} (10.99.9.N or fd99:9::N) so far. */
    public static HostTraffic traffic(Lab lab, String host) {
        long[] a = counters(lab, Node.UPLINK_A, host);
        long[] b = counters(lab, Node.UPLINK_B, host);
        return new HostTraffic(host, a[0], a[1], a[2], b[0], b[1], b[2]);
    }

    /** The "to", "syn" and "from" packet counters of {@code host} in an uplink's LAB-COUNT chain. */
    private static long[] counters(Lab lab, Node uplink, String host) {
        String tool = host.contains(":") ? "ip6tables-legacy" : "iptables-legacy";
        String rules = lab.execOk(uplink, T, tool, "-S", "LAB-COUNT", "-v").stdout();
        String[] names = {"to ", "syn ", "from "};
        long[] counts = {-1, -1, -1};
        for (String line : rules.split("\n")) {
            IptablesRuleLine rule = IptablesRuleLine.parse(line);
            for (int i = 0; rule != null && i < names.length; i++) {
                if (rule.withoutCounters().endsWith("--comment \"" + names[i] + host + "\"")) {
                    counts[i] = rule.packets();
                }
            }
        }
        for (long count : counts) {
            if (count < 0) {
                throw new AssertionError("no LAB-COUNT rules for " + host + " in " + lab.namespace(uplink)
                        + " (is this the two-uplink lab?):\n" + rules);
            }
        }
        return counts;
    }
}
