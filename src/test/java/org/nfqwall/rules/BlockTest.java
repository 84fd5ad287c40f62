package org.nfqwall.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BlockTest {
    private static final long NOW = 1_000_000;

    @ParameterizedTest
    @CsvSource({"30s,30", "10m,600", "2h,7200", "1d,86400", "24d,2073600"})
    void parsesDurations(String text, long seconds) {
        assertEquals(seconds, BlockDuration.parseSeconds(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "s", "10", "10x", "-5m", "1.5h", "0s", "25d", "99999999999d"})
    void refusesBadDurations(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BlockDuration.parseSeconds(text));
        assertTrue(e.getMessage().contains("expected a whole number and a unit"), e.getMessage());
    }

    @Test
    void formatsTimeLeft() {
        assertEquals("42s", BlockDuration.format(42));
        assertEquals("9m05s", BlockDuration.format(545));
        assertEquals("2h00m", BlockDuration.format(7200));
        assertEquals("1d02h", BlockDuration.format(93600));
    }

    private static Facts facts(String src, String dst, String... hosts) throws BadValueException {
        Facts f = new Facts();
        AddressPrefix s = AddressPrefix.parse(src);
        AddressPrefix d = AddressPrefix.parse(dst);
        f.srcHi = s.hi();
        f.srcLo = s.lo();
        f.dstHi = d.hi();
        f.dstLo = d.lo();
        for (String h : hosts) {
            f.addHost(h);
        }
        return f;
    }

    @Test
    void sourcePrefixBlocksItsAddressesOnly() throws Exception {
        Block b = Block.create(1, "10.99.1.0/24", null, null, NOW + 1000, "test");
        assertTrue(b.matches(facts("10.99.1.2", "10.99.2.2"), NOW));
        assertFalse(b.matches(facts("10.99.3.2", "10.99.2.2"), NOW));
        assertTrue(b.kernelOnly());
        assertEquals("nfqwall-src", org.nfqwall.gen.IptablesRuleset.blockSetName(true, !b.ipv4()));
    }

    @Test
    void blockEndsAtItsExpiry() throws Exception {
        Block b = Block.create(1, "10.99.1.2", null, null, NOW + 1000, null);
        assertTrue(b.matches(facts("10.99.1.2", "10.99.2.2"), NOW + 999));
        assertFalse(b.matches(facts("10.99.1.2", "10.99.2.2"), NOW + 1000));
        assertEquals(List.of(), BlockSet.of(List.of(b)).live(NOW + 1000).blocks());
    }

    @Test
    void hostBlockMatchesExactNameAndWildcardLikeRules() throws Exception {
        Block exact = Block.create(1, null, null, "WWW.Example.COM.", NOW + 1000, null);
        assertEquals("www.example.com", exact.host());
        assertTrue(exact.matches(facts("10.0.0.1", "10.0.0.2", "www.example.com"), NOW));
        assertFalse(exact.matches(facts("10.0.0.1", "10.0.0.2", "a.www.example.com"), NOW));
        Block wild = Block.create(2, null, null, "*.example.com", NOW + 1000, null);
        assertTrue(wild.matches(facts("10.0.0.1", "10.0.0.2", "a.example.com"), NOW));
        assertFalse(wild.matches(facts("10.0.0.1", "10.0.0.2", "example.com"), NOW));
        assertFalse(wild.matches(facts("10.0.0.1", "10.0.0.2", "badexample.com"), NOW));
        assertFalse(wild.matches(facts("10.0.0.1", "10.0.0.2"), NOW), "no host known: no match");
        assertFalse(wild.kernelOnly());
    }

    @Test
    void everySelectorMustMatch() throws Exception {
        Block b = Block.create(1, "10.99.1.2", "10.99.2.2", null, NOW + 1000, null);
        assertTrue(b.matches(facts("10.99.1.2", "10.99.2.2"), NOW));
        assertFalse(b.matches(facts("10.99.1.2", "10.99.2.3"), NOW));
        assertFalse(b.kernelOnly(), "src+dst is decided by the daemon");
    }

    @Test
    void ipv6PrefixesWork() throws Exception {
        Block b = Block.create(1, "fd99:1::/64", null, null, NOW + 1000, null);
        assertTrue(b.matches(facts("fd99:1::2", "fd99:2::2"), NOW));
        assertFalse(b.matches(facts("10.99.1.2", "fd99:2::2"), NOW));
        assertFalse(b.ipv4());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "10.0.0.1/33||| prefix length",
        "0.0.0.0/0||| blocks every address",
        "10.0.0.1|fd00::1|| different families",
        "||bad host!| host",
        "||| at least one"})
    void refusesBadSelectors(String src, String dst, String host, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Block.create(1, src, dst, host, NOW, null));
        assertTrue(e.getMessage().contains(message.trim()), e.getMessage());
    }

    @Test
    void emptySetMatchesNothingAndIsShared() {
        assertSame(BlockSet.EMPTY, BlockSet.of(List.of()));
        assertNull(BlockSet.EMPTY.match(new Facts(), NOW));
    }

    @Test
    void logsAsRuleNamedAfterTheBlock() throws Exception {
        Block b = Block.create(7, null, null, "x.example", NOW + 1, null);
        assertEquals("block:7", b.rule().name());
        assertEquals(Verdict.DROP, b.rule().verdict());
    }
}
