package org.nfqwall.gen;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The iptables {@code u32} matches for GRE packets over IPv4 whose tunnel key is in a
 * {@link GreKeySpec}: one rule per group of up to {@value GreKeySpec#U32_MAX_VALUES} items with
 * the same mask. Pure functions; stateless and thread-safe.
 *
 * <pre>
 * IPv4 (RFC 791): offset 4 holds Flags|Fragment Offset; byte 0's low nibble is IHL, the header
 * length in 32-bit words (5 to 15). GRE follows at 4*IHL:
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   |C|R|K|S|s|Recur|  Flags  | Ver |         Protocol Type         |  RFC 2784, 2890 (R, s, Recur: 1701)
 *   |      Checksum (optional)      |       Reserved1 (optional)    |  present when C is set
 *   |                         Key (optional)                        |  present when K is set
 *   |                 Sequence Number (optional)                    |  present when S is set
 * </pre>
 *
 * Each rule holds three u32 tests, all of which must hold:
 * <ol>
 * <li>{@code 0x4&0x1fff=0x0}: fragment offset 0. A later fragment holds no GRE header; its bytes
 *   at the GRE offsets are payload and must not be read as one.</li>
 * <li>{@code 0x0>>0x16&0x3c@0x0>>0x10&0x6007=0x2000}: at 4*IHL (byte 0 shifted right by 22 and
 *   masked with 0x3c is IHL*4, the idiom of iptables-extensions(8)), the GRE flags have K set,
 *   R clear and version 0. Version 1 is PPTP's enhanced GRE, whose "key" word is a payload
 *   length and call id. R=1 (RFC 1701 source routing) moves the key like C and is discarded by
 *   RFC 2784 receivers and by Linux, so it never matches. C, S, s, Recur and the reserved flags
 *   do not move the key and are not tested: Linux ignores them too, so a tunnel endpoint
 *   decapsulates such a packet under its key, and a rule that drops a key must see it.</li>
 * <li>{@code 0x0>>0x16&0x3c@0x0>>0x1d&0x4@0x4=KEYS}: at the GRE header, the top three flag bits
 *   (C, R, K) shifted down and masked with 4 are 4 when C is set and 0 otherwise; {@code @} moves
 *   past the checksum word by that much, and the key is the word 4 bytes further. One expression
 *   thus covers C on and off.</li>
 * </ol>
 * u32 fails a test whose 4 bytes are not all inside the packet, so a first fragment too short
 * to hold the key does not match. u32 also does not check the IP protocol: each rule starts with
 * {@code -p gre}.
 */
public final class GreKeyMatch {
    /** The matches before the u32 expression. */
    public static final String PROTOCOL = "-p gre -m u32 --u32";

    private static final String FRAGMENT = "0x4&0x1fff=0x0";
    private static final String TO_GRE = "0x0>>0x16&0x3c@";
    private static final String FLAGS = "0x0>>0x10&0x6007=0x2000";
    private static final String PAST_CHECKSUM = "0x0>>0x1d&0x4@";
    private static final String KEY = "0x4";

    /** One iptables rule's u32 match: the keys it covers and its clauses. Immutable. */
    public record Rule(List<GreKey> keys, List<U32Clause> clauses) {
        public Rule {
            keys = List.copyOf(keys);
            clauses = List.copyOf(clauses);
        }

        /** The u32 program, exactly as {@code iptables -S} prints it (without the quotes). */
        public String expression() {
            return clauses.stream().map(U32Clause::text).collect(Collectors.joining());
        }

        /** The rule's matches: {@code -p gre -m u32 --u32 "..."}. */
        public String iptablesArgs() {
            return PROTOCOL + " \"" + expression() + "\"";
        }
    }

    private GreKeyMatch() {
    }

    /** The rules that together match exactly the GRE packets with a key in {@code spec}. */
    public static List<Rule> rules(GreKeySpec spec) {
        List<Rule> rules = new ArrayList<>();
        for (List<GreKey> group : spec.u32Groups()) {
            rules.add(new Rule(group, clauses(group)));
        }
        return List.copyOf(rules);
    }

    private static List<U32Clause> clauses(List<GreKey> group) {
        long mask = group.get(0).mask();
        String values = group.stream().map(GreKey::u32Value).collect(Collectors.joining(","));
        String keys = group.stream().map(GreKey::toString).collect(Collectors.joining(", "));
        String key = mask == GreKey.MAX ? KEY + "=" + values : KEY + "&" + GreKey.hex(mask) + "=" + values;
        String keyMeaning = mask == GreKey.MAX
                ? "the key, after the 4-byte base header: " + (group.size() == 1 ? "" : "one of ") + keys
                : "the key, after the 4-byte base header, masked with " + GreKey.hex(mask) + ": "
                        + values.replace(",", ", ");
        return List.of(
                new U32Clause(FRAGMENT, "fragment offset 0: whole packets and first fragments (later fragments"
                        + " hold no GRE header)"),
                new U32Clause("&&" + TO_GRE, "to the GRE header: skip the IPv4 header, IHL*4 bytes (20-60, with"
                        + " options or without)"),
                new U32Clause(FLAGS, "GRE flags: K set (key present), R clear (no RFC 1701 routing), version 0"
                        + " (not PPTP); C and S may be either"),
                new U32Clause("&&" + TO_GRE, "to the GRE header again"),
                new U32Clause(PAST_CHECKSUM, "skip the checksum word when C is set: flags >> 29 leave C, R, K;"
                        + " & 4 keeps C, as 4 or 0"),
                new U32Clause(key, keyMeaning + " (a packet too short to hold it does not match)"));
    }
}
