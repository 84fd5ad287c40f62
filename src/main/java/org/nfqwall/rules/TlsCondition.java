package org.nfqwall.rules;

/**
 * A rule's {@code tls:} condition: what a TLS or QUIC ClientHello must or must not carry. It
 * holds only for a flow whose ClientHello was read ({@link Facts#helloSeen}). Immutable.
 *
 * @param sni {@code sni: present} is {@link Presence#PRESENT}, {@code sni: none} is
 *     {@link Presence#ABSENT}, no {@code sni:} key is {@link Presence#ANY}
 * @param ech {@code ech: true} is {@link Presence#PRESENT}, {@code ech: false} is
 *     {@link Presence#ABSENT}, no {@code ech:} key is {@link Presence#ANY}
 */
public record TlsCondition(Presence sni, Presence ech) {
    /** Whether a ClientHello feature must be there, must not be there, or does not matter. */
    public enum Presence {
        ANY, ABSENT, PRESENT;

        /** True when a hello that has ({@code present}) or lacks the feature satisfies this. Allocates nothing. */
        boolean holds(boolean present) {
            return this == ANY || (this == PRESENT) == present;
        }
    }

    public TlsCondition {
        if (sni == null || ech == null) {
            throw new IllegalArgumentException("sni and ech must not be null (use Presence.ANY)");
        }
    }

    /** True when a ClientHello was read and it satisfies both parts. Allocates nothing. */
    boolean matches(Facts f) {
        return f.helloSeen && sni.holds(f.sniPresent) && ech.holds(f.ech);
    }

    /** The condition as written in a rules file, e.g. {@code {sni: none, ech: true}}. */
    public String text() {
        StringBuilder sb = new StringBuilder("{");
        if (sni != Presence.ANY) {
            sb.append("sni: ").append(sni == Presence.PRESENT ? "present" : "none");
        }
        if (ech != Presence.ANY) {
            sb.append(sb.length() > 1 ? ", " : "").append("ech: ").append(ech == Presence.PRESENT);
        }
        return sb.append('}').toString();
    }
}
