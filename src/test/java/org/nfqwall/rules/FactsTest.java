package org.nfqwall.rules;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class FactsTest {
    @Test
    void addAlpnKeepsOrderAndSkipsRepeats() {
        Facts f = new Facts();
        f.addAlpn("h2");
        f.addAlpn("http/1.1");
        f.addAlpn("h2");
        assertEquals(2, f.alpnCount);
        assertEquals("h2", f.alpn[0]);
        assertEquals("http/1.1", f.alpn[1]);
    }

    @Test
    void addAlpnKeepsAtMostMaxAlpnIds() {
        Facts f = new Facts();
        for (int i = 0; i < Facts.MAX_ALPN + 3; i++) {
            f.addAlpn("id" + i);
        }
        assertEquals(Facts.MAX_ALPN, f.alpnCount);
        assertEquals("id" + (Facts.MAX_ALPN - 1), f.alpn[Facts.MAX_ALPN - 1]);
    }

    @Test
    void clearApplicationForgetsTheClientHelloButKeepsAddresses() {
        Facts f = RuleSetMatchTest.hello(Protocol.QUIC, "x.org", "h3", "h2");
        f.ech = true;
        f.clearApplication();
        assertFalse(f.applicationKnown);
        assertEquals(Protocol.UNKNOWN, f.protocol);
        assertFalse(f.helloSeen);
        assertFalse(f.sniPresent);
        assertFalse(f.ech);
        assertEquals(0, f.alpnCount);
        assertArrayEquals(new String[Facts.MAX_ALPN], f.alpn);
        assertEquals(0, f.hostCount);
        assertNull(f.hosts[0]);
        assertEquals(443, f.dstPort);
        assertEquals(17, f.l4Protocol);
    }
}
