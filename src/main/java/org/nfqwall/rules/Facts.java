package org.nfqwall.rules;

/**
 * What is known about one flow or request when rules are matched: addresses, ports, and what
 * inspection found (protocol, hosts, path, method).
 *
 * <p>Mutable and reused: each worker thread owns one instance and refills it per decision, so
 * matching allocates nothing. Not thread-safe. Addresses are 128-bit; IPv4 addresses are stored
 * IPv4-mapped ({@code ::ffff:a.b.c.d}), so one prefix tree serves both families.
 */
public final class Facts {
    /** How many host names a request can carry (Host header and absolute-form target). */
    public static final int MAX_HOSTS = 2;

    public int ipVersion;
    public long srcHi;
    public long srcLo;
    public long dstHi;
    public long dstLo;
    /** IP protocol number: 6 TCP, 17 UDP. */
    public int l4Protocol;
    public int srcPort;
    public int dstPort;

    /** False until inspection has finished for this request; application keys cannot match before. */
    public boolean applicationKnown;
    public Protocol protocol = Protocol.UNKNOWN;
    /** Normalised host names (lower case, no port, no trailing dot); see {@link #hostCount}. */
    public final String[] hosts = new String[MAX_HOSTS];
    public int hostCount;
    /** Normalised path (percent-decoded, dot-segments removed, slashes collapsed), or null. */
    public String path;
    /** Raw query string without '?', or null. */
    public String query;
    /** Request method as sent, or null. */
    public String method;

    /** Clears the application part, keeping addresses and ports. */
    public void clearApplication() {
        applicationKnown = false;
        protocol = Protocol.UNKNOWN;
        hosts[0] = null;
        hosts[1] = null;
        hostCount = 0;
        path = null;
        query = null;
        method = null;
    }

    /** Adds a normalised host unless already present or full. */
    public void addHost(String host) {
        for (int i = 0; i < hostCount; i++) {
            if (hosts[i].equals(host)) {
                return;
            }
        }
        if (hostCount < MAX_HOSTS) {
            hosts[hostCount++] = host;
        }
    }

    /** Stores an IPv4 address (host byte order int) as IPv4-mapped IPv6 source. */
    public void setSourceIpv4(int addr) {
        srcHi = 0;
        srcLo = 0x0000FFFF00000000L | (addr & 0xFFFFFFFFL);
    }

    /** Stores an IPv4 address (host byte order int) as IPv4-mapped IPv6 destination. */
    public void setDestinationIpv4(int addr) {
        dstHi = 0;
        dstLo = 0x0000FFFF00000000L | (addr & 0xFFFFFFFFL);
    }
}
