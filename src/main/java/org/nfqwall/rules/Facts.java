package org.nfqwall.rules;

/**
 * What is known about one flow or request when rules are matched: addresses, ports, and what
 * inspection found (protocol, hosts, path, method; for TLS and QUIC the ClientHello's server
 * name, ALPN ids and ECH).
 *
 * <p>Mutable and reused: each worker thread owns one instance and refills it per decision, so
 * matching allocates nothing. Not thread-safe. Addresses are 128-bit; IPv4 addresses are stored
 * IPv4-mapped ({@code ::ffff:a.b.c.d}), so one prefix tree serves both families.
 */
public final class Facts {
    /** How many host names a request can carry (Host header and absolute-form target). */
    public static final int MAX_HOSTS = 2;
    /** How many ALPN ids of one ClientHello are kept; later ones are ignored. */
    public static final int MAX_ALPN = 8;

    public int ipVersion;
    public long srcHi;
    public long srcLo;
    public long dstHi;
    public long dstLo;
    /** IP protocol number: 6 TCP, 17 UDP. */
    public int l4Protocol;
    public int srcPort;
    public int dstPort;

    /**
     * The flow came inside a GRE tunnel: the addresses and ports above are the inner packet's, the
     * fields below describe the tunnel. Known at the first packet, like the addresses.
     */
    public boolean tunnelled;
    /** The tunnel endpoints (outer source and destination), 128-bit like the addresses; 0 unless tunnelled. */
    public long tunnelSrcHi;
    public long tunnelSrcLo;
    public long tunnelDstHi;
    public long tunnelDstLo;
    /** The GRE header carries a key; without one no {@code gre_key:} condition holds. */
    public boolean greKeyPresent;
    /** The GRE key, unsigned 32-bit; 0 unless {@link #greKeyPresent}. */
    public long greKey;

    /** False until inspection has finished for this request; application keys cannot match before. */
    public boolean applicationKnown;
    public Protocol protocol = Protocol.UNKNOWN;
    /**
     * Normalised host names (lower case, no port, no trailing dot); see {@link #hostCount}. For
     * TLS and QUIC the ClientHello's server name (SNI, the outer one under ECH) goes here too, so
     * {@code host:} rules treat it like an HTTP Host.
     */
    public final String[] hosts = new String[MAX_HOSTS];
    public int hostCount;
    /** Normalised path (percent-decoded, dot-segments removed, slashes collapsed), or null. */
    public String path;
    /** Raw query string without '?', or null. */
    public String query;
    /** Request method as sent, or null. */
    public String method;

    /** A TLS or QUIC ClientHello was read ({@link #protocol} is TLS or QUIC); the fields below describe it. */
    public boolean helloSeen;
    /** The ClientHello carries a server_name (SNI) extension with a host name. */
    public boolean sniPresent;
    /** The ClientHello carries an Encrypted Client Hello extension: the real server name is hidden. */
    public boolean ech;
    /**
     * ALPN protocol ids offered in the ClientHello, in order, as sent (one char per byte,
     * case kept; RFC 7301 ids are byte strings); see {@link #alpnCount} and {@link #addAlpn}.
     */
    public final String[] alpn = new String[MAX_ALPN];
    public int alpnCount;

    /** Clears the application part, keeping addresses, ports and tunnel. */
    public void clearApplication() {
        applicationKnown = false;
        protocol = Protocol.UNKNOWN;
        hosts[0] = null;
        hosts[1] = null;
        hostCount = 0;
        path = null;
        query = null;
        method = null;
        helloSeen = false;
        sniPresent = false;
        ech = false;
        for (int i = 0; i < MAX_ALPN; i++) {
            alpn[i] = null;
        }
        alpnCount = 0;
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

    /** Adds an offered ALPN id unless already present or {@value #MAX_ALPN} are kept. */
    public void addAlpn(String id) {
        for (int i = 0; i < alpnCount; i++) {
            if (alpn[i].equals(id)) {
                return;
            }
        }
        if (alpnCount < MAX_ALPN) {
            alpn[alpnCount++] = id;
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
