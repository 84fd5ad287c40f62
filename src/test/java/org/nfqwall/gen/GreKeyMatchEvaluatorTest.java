package org.nfqwall.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the generated u32 expressions through {@link U32Interpreter} (the man page's and
 * xt_u32.c's semantics), and the generated tc commands through {@link TcU32Interpreter}
 * (cls_u32.c's), over packets built byte by byte, and compares both with what GRE says the
 * packet is: every IHL, C/R/K/S, versions, fragments, truncations, every flag word.
 */
class GreKeyMatchEvaluatorTest {
    private static final String SPEC = "1,100-200,0x1200/0xff00,4294967295";
    private static final Map<GreKeySpec, List<U32Interpreter>> INTERPRETERS = new HashMap<>();
    private static final Map<GreKeySpec, TcU32Interpreter> TC = new HashMap<>();
    private static final GreKeyTc.Placement TC_PLACEMENT = new GreKeyTc.Placement("eth0", "1:", 10, "1:10", 0x1e0);

    /** Asserts that the iptables rules and the tc filters of {@code spec} both decide {@code expected}. */
    private static void assertBoth(boolean expected, GreKeySpec spec, int protocol, byte[] bytes, String what) {
        assertEquals(expected, rulesMatch(spec, protocol, bytes), "iptables: " + what);
        String tcClass = TC.computeIfAbsent(spec, s -> new TcU32Interpreter(GreKeyTc.commands(s, TC_PLACEMENT, false,
                "test"))).classifyOrNone(bytes);
        assertEquals(expected ? "1:10" : null, tcClass, "tc: " + what);
    }

    /** True if the rules of {@code spec} (each {@code -p gre} plus its u32 test) match the packet. */
    private static boolean rulesMatch(GreKeySpec spec, GrePacket packet) {
        return rulesMatch(spec, packet.protocol(), packet.bytes());
    }

    private static boolean rulesMatch(GreKeySpec spec, int protocol, byte[] bytes) {
        return protocol == 47 && INTERPRETERS.computeIfAbsent(spec, s -> GreKeyMatch.rules(s).stream()
                .map(rule -> new U32Interpreter(rule.expression())).toList()).stream().anyMatch(u -> u.matches(bytes));
    }

    /** What GRE (RFC 2784, 2890; Linux's gre_parse_header) says, from the packet's fields. */
    private static boolean carriesKeyIn(GreKeySpec spec, GrePacket p) {
        boolean keyReadable = p.greLength() >= p.keyOffset() + 4;
        return p.protocol() == 47 && p.fragOffset() == 0 && p.k() && !p.r() && p.version() == 0 && keyReadable
                && inSpec(spec, p.key());
    }

    private static boolean inSpec(GreKeySpec spec, long key) {
        return spec.items().stream().anyMatch(i -> i.masked() ? (key & i.mask()) == i.from()
                : i.from() <= key && key <= i.to());
    }

    static List<GrePacket> namedCases() {
        GrePacket k1 = GrePacket.keyed(1);
        return List.of(k1, k1.withIhl(6), k1.withIhl(15), k1.withC(true), k1.withC(true).withIhl(15),
                k1.withS(true), k1.withC(true).withS(true), k1.withK(false), k1.withK(false).withC(true),
                k1.withR(true), k1.withVersion(1), k1.withVersion(1).withC(true), k1.withExtraFlags(0x0800),
                k1.withExtraFlags(0x0700), k1.withExtraFlags(0x00f8), GrePacket.keyed(2), GrePacket.keyed(99),
                GrePacket.keyed(100), GrePacket.keyed(200), GrePacket.keyed(201), GrePacket.keyed(0x12ff),
                GrePacket.keyed(0x13ff), GrePacket.keyed(0xffffffffL), GrePacket.keyed(0xfffffffeL),
                k1.withFragment(0, true), k1.withFragment(1, false), k1.withFragment(0x1fff, true),
                k1.withTruncate(7), k1.withTruncate(8), k1.withC(true).withTruncate(11),
                k1.withC(true).withTruncate(12), k1.withTruncate(3), k1.withTruncate(0), k1.withProtocol(17));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("namedCases")
    void eachNamedCaseMatchesExactlyWhenItCarriesAListedKey(GrePacket packet) {
        GreKeySpec spec = GreKeySpec.parse(SPEC);
        assertBoth(carriesKeyIn(spec, packet), spec, packet.protocol(), packet.bytes(), packet.probeArgs());
    }

    @Test
    void theWholeMatrixAgreesWithGre() {
        GreKeySpec spec = GreKeySpec.parse(SPEC);
        long[] keys = {0, 1, 2, 99, 100, 150, 200, 201, 0x1200, 0x12ab, 0x1300, 0xfffffffeL, 0xffffffffL};
        int matched = 0;
        int total = 0;
        for (int ihl = 5; ihl <= 15; ihl++) {
            for (int bits = 0; bits < 16; bits++) {
                for (int version : new int[] {0, 1, 7}) {
                    for (long key : keys) {
                        for (int frag = 0; frag < 4; frag++) {
                            for (int truncate : new int[] {-1, 0, 3, 4, 7, 8, 11, 12}) {
                                GrePacket p = new GrePacket(ihl, (bits & 8) != 0, (bits & 4) != 0, (bits & 2) != 0,
                                        (bits & 1) != 0, version, 0, key, frag < 2 ? 0 : 185, frag % 2 == 1,
                                        truncate, 47);
                                boolean expected = carriesKeyIn(spec, p);
                                assertBoth(expected, spec, 47, p.bytes(), p.probeArgs());
                                matched += expected ? 1 : 0;
                                total++;
                            }
                        }
                    }
                }
            }
        }
        assertTrue(matched > 1000 && matched < total / 4, matched + " of " + total);
    }

    /**
     * Every one of the 65536 GRE flag words, with a listed key in one slot and an unlisted one
     * in the other: the rules read the key from exactly the slot C says, and match exactly when
     * K is set, R is clear and the version is 0, whatever the other bits.
     */
    @Test
    void everyFlagWordReadsTheKeyFromTheRightSlot() {
        GreKeySpec spec = GreKeySpec.parse("7");
        for (int ihl : new int[] {5, 11, 15}) {
            for (int flags = 0; flags <= 0xffff; flags++) {
                boolean valid = (flags & 0x2000) != 0 && (flags & 0x4000) == 0 && (flags & 7) == 0;
                boolean c = (flags & 0x8000) != 0;
                assertBoth(valid && !c, spec, 47, words(ihl, flags, 7, 0xbad), "key at 4, flags " + flags);
                assertBoth(valid && c, spec, 47, words(ihl, flags, 0xbad, 7), "key at 8, flags " + flags);
            }
        }
    }

    /** An IPv4 header of {@code ihl} words, then the GRE flags word and two more words. */
    private static byte[] words(int ihl, int flags, long second, long third) {
        byte[] p = GrePacket.keyed(0).withIhl(ihl).withTruncate(0).bytes();
        byte[] out = java.util.Arrays.copyOf(p, p.length + 12);
        long[] w = {(long) flags << 16 | 0x0800, second, third};
        for (int i = 0; i < 3; i++) {
            for (int b = 0; b < 4; b++) {
                out[p.length + 4 * i + b] = (byte) (w[i] >>> (24 - 8 * b));
            }
        }
        return out;
    }

    @Test
    void longListsSplitIntoRulesIptablesAcceptsAndStillMatchEveryKey() {
        String keys = IntStream.rangeClosed(1, 25).mapToObj(i -> Integer.toString(3 * i)).collect(Collectors.joining(","))
                + ",0x100/0xff00,0x300/0xff00";
        GreKeySpec spec = GreKeySpec.parse(keys);
        assertEquals(4, GreKeyMatch.rules(spec).size());
        List<Long> hits = new ArrayList<>();
        for (long key = 0; key <= 0x400; key++) {
            if (rulesMatch(spec, GrePacket.keyed(key))) {
                hits.add(key);
            }
            assertBoth(rulesMatch(spec, GrePacket.keyed(key)), spec, 47, GrePacket.keyed(key).bytes(), "key " + key);
        }
        List<Long> expected = new ArrayList<>();
        for (long key = 0; key <= 0x400; key++) {
            if ((key % 3 == 0 && key >= 3 && key <= 75) || (key & 0xff00) == 0x100 || (key & 0xff00) == 0x300) {
                expected.add(key);
            }
        }
        assertEquals(expected, hits);
    }
}
