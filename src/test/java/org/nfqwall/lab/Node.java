package org.nfqwall.lab;

/**
 * One of the lab's network namespaces: the firewall sits between client and server; the
 * two-uplink lab ({@link Lab#createWithUplinks()}) also has the two "ISPs" between them.
 */
public enum Node {
    CLIENT("client"), FW("fw"), SERVER("server"),
    /** The two-uplink lab's first uplink, the firewall's default route. */
    UPLINK_A("upa"),
    /** The two-uplink lab's second uplink, where policy routes send steered traffic. */
    UPLINK_B("upb");

    private final String suffix;

    Node(String suffix) {
        this.suffix = suffix;
    }

    /** The namespace name's suffix, as in {@code scripts/lab.sh}: client, fw, server, upa or upb. */
    public String suffix() {
        return suffix;
    }
}
