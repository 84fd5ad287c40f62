package org.nfqwall.engine;

/**
 * What a decision by a rule whose mark routes or steers did to the connection, for the decision
 * log ({@code nfqwall.steer}).
 */
public enum Steered {
    /** The rule's mark neither routes nor steers (or the rule does not mark). */
    NONE(null),
    /** The mark is on the connection: applied now, or it carried it from its first packet already. */
    NOW("now"),
    /**
     * The mark was not put on this live connection (a new route mid-connection breaks it); its
     * server address is in the mark's set, so the next connections get the mark from their SYN.
     */
    NEXT("next");

    private final String label;

    Steered(String label) {
        this.label = label;
    }

    /** {@code now}, {@code next}, or null for {@link #NONE}. */
    public String label() {
        return label;
    }
}
