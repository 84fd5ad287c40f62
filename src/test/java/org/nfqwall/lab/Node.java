package org.nfqwall.lab;

/** One of the lab's three network namespaces: the firewall sits between client and server. */
public enum Node {
    CLIENT("client"), FW("fw"), SERVER("server");

    private final String suffix;

    Node(String suffix) {
        this.suffix = suffix;
    }

    /** The namespace name's suffix, as in {@code scripts/lab.sh}: client, fw or server. */
    public String suffix() {
        return suffix;
    }
}
