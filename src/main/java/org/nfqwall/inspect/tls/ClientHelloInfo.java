package org.nfqwall.inspect.tls;

import java.util.Arrays;

/**
 * What a TLS ClientHello offers that rules and logs may use: the server name (SNI), the ALPN
 * protocol ids, whether it carries an encrypted ClientHello (ECH), and its versions.
 *
 * <p>Mutable and reused: one instance per worker thread, refilled by
 * {@link ClientHelloParser#parse} for each hello (which clears it first); not thread-safe. Only
 * the strings it hands out are allocated per hello, and common ALPN ids not even those.
 */
public final class ClientHelloInfo {
    /** Most ALPN protocol ids kept; a hello may offer more ({@link #alpnOffered()}): {@value}. */
    public static final int MAX_ALPN = 8;

    private String sni;
    private final String[] alpn = new String[MAX_ALPN];
    private int alpnCount;
    private int alpnOffered;
    private boolean ech;
    private int legacyVersion;
    private boolean offersTls13;
    private String problem;
    /** One bit per extension type seen in the hello being parsed (RFC 8446 4.2: no duplicates). */
    final long[] seenExtensionTypes = new long[65536 / 64];

    /** Forgets the last hello. */
    public void clear() {
        sni = null;
        Arrays.fill(alpn, null);
        alpnCount = 0;
        alpnOffered = 0;
        ech = false;
        legacyVersion = 0;
        offersTls13 = false;
        problem = null;
        Arrays.fill(seenExtensionTypes, 0L);
    }

    /** True if the hello has a server_name extension with a host_name entry. */
    public boolean sniPresent() {
        return sni != null;
    }

    /**
     * The first host_name of the server_name extension (RFC 6066 3), raw: each byte one
     * ISO-8859-1 character, not validated beyond its length (1 to 255 bytes) and not lower-cased;
     * the caller judges and normalises it. Null when absent. With {@link #ech()} this is the
     * public name of the client-facing server, not the name the client really wants.
     */
    public String sni() {
        return sni;
    }

    /** How many ALPN protocol ids are kept: at most {@value #MAX_ALPN}. */
    public int alpnCount() {
        return alpnCount;
    }

    /**
     * The {@code i}th ALPN protocol id offered (RFC 7301 3.1), in the client's order of
     * preference, each byte one ISO-8859-1 character.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= i < alpnCount()}
     */
    public String alpn(int i) {
        if (i < 0 || i >= alpnCount) {
            throw new IndexOutOfBoundsException("alpn index " + i + " of " + alpnCount);
        }
        return alpn[i];
    }

    /** How many ALPN protocol ids the hello offered, including those beyond {@value #MAX_ALPN}. */
    public int alpnOffered() {
        return alpnOffered;
    }

    /**
     * True if the hello carries the encrypted_client_hello extension (type 0xfe0d, draft-ietf-
     * tls-esni): the name the client wants is encrypted; {@link #sni()} is only the public name.
     */
    public boolean ech() {
        return ech;
    }

    /** The hello's legacy_version field, e.g. 0x0303 (TLS 1.2, also sent by TLS 1.3 clients). */
    public int legacyVersion() {
        return legacyVersion;
    }

    /** True if the supported_versions extension lists TLS 1.3 (0x0304). */
    public boolean offersTls13() {
        return offersTls13;
    }

    /**
     * Why the last {@link ClientHelloParser#parse} returned MALFORMED, in a few words (for logs
     * and tests); null after OK. The strings are constants: reporting costs no allocation.
     */
    public String problem() {
        return problem;
    }

    void sni(String hostName) {
        sni = hostName;
    }

    /** Counts an offered ALPN id and keeps it while there is room. */
    void addAlpn(String id) {
        alpnOffered++;
        if (alpnCount < MAX_ALPN) {
            alpn[alpnCount++] = id;
        }
    }

    boolean alpnRoom() {
        return alpnCount < MAX_ALPN;
    }

    void countAlpn() {
        alpnOffered++;
    }

    void ech(boolean present) {
        ech = present;
    }

    void legacyVersion(int version) {
        legacyVersion = version;
    }

    void offersTls13(boolean offers) {
        offersTls13 = offers;
    }

    void problem(String why) {
        problem = why;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("ClientHelloInfo[sni=").append(sni).append(", alpn=[");
        for (int i = 0; i < alpnCount; i++) {
            b.append(i == 0 ? "" : ",").append(alpn[i]);
        }
        return b.append("], ech=").append(ech).append(", legacyVersion=0x").append(Integer.toHexString(legacyVersion))
                .append(", tls13=").append(offersTls13).append(problem == null ? "" : ", problem=" + problem)
                .append(']').toString();
    }
}
