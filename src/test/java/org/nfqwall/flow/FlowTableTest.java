package org.nfqwall.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nfqwall.packet.PacketView;

class FlowTableTest {
    private static final long SEC = 1_000_000_000L;

    private static PacketView flow(int client, int port) {
        PacketView p = new PacketView();
        p.srcHi = 0;
        p.srcLo = 0x0000FFFF0A000000L | client;
        p.dstHi = 0;
        p.dstLo = 0x0000FFFF0A000101L;
        p.srcPort = port;
        p.dstPort = 80;
        p.l4Protocol = 6;
        return p;
    }

    private static PacketView tunnelled(PacketView inner, int endpoint, boolean keyPresent, long key) {
        inner.tunnelled = true;
        inner.outerSrcLo = 0x0000FFFFC0000200L | endpoint;
        inner.outerDstLo = 0x0000FFFFC0000201L;
        inner.greKeyPresent = keyPresent;
        inner.greKey = key;
        return inner;
    }

    /** The packet going the other way: addresses, ports and tunnel endpoints swapped, same key. */
    private static PacketView reply(PacketView p) {
        PacketView r = new PacketView();
        r.srcHi = p.dstHi;
        r.srcLo = p.dstLo;
        r.dstHi = p.srcHi;
        r.dstLo = p.srcLo;
        r.srcPort = p.dstPort;
        r.dstPort = p.srcPort;
        r.l4Protocol = p.l4Protocol;
        r.tunnelled = p.tunnelled;
        r.outerSrcLo = p.outerDstLo;
        r.outerDstLo = p.outerSrcLo;
        r.greKeyPresent = p.greKeyPresent;
        r.greKey = p.greKey;
        return r;
    }

    @Test
    void sameInnerFlowInTwoTunnelsOrUnderTwoKeysIsTwoFlows() {
        FlowTable t = new FlowTable(16, 60);
        int plain = t.insert(flow(1, 1000), 0);
        int key22 = t.insert(tunnelled(flow(1, 1000), 1, true, 22), 0);
        int key23 = t.insert(tunnelled(flow(1, 1000), 1, true, 23), 0);
        int noKey = t.insert(tunnelled(flow(1, 1000), 1, false, 0), 0);
        int otherTunnel = t.insert(tunnelled(flow(1, 1000), 2, true, 22), 0);
        assertEquals(5, t.size());
        assertEquals(plain, t.find(flow(1, 1000), 1));
        assertEquals(key22, t.find(tunnelled(flow(1, 1000), 1, true, 22), 1));
        assertEquals(key23, t.find(tunnelled(flow(1, 1000), 1, true, 23), 1));
        assertEquals(noKey, t.find(tunnelled(flow(1, 1000), 1, false, 0), 1));
        assertEquals(otherTunnel, t.find(tunnelled(flow(1, 1000), 2, true, 22), 1));
        assertEquals(-1, t.find(tunnelled(flow(1, 1000), 3, true, 22), 1));
        assertEquals(false, t.tunnelled(plain));
        assertEquals(true, t.tunnelled(noKey));
    }

    @Test
    void findsTheFlowAReplyBelongsTo() {
        FlowTable t = new FlowTable(16, 60);
        PacketView out = tunnelled(flow(1, 1000), 1, true, 22);
        int s = t.insert(out, 0);
        assertEquals(-1, t.find(reply(out), 1), "not the same direction");
        assertEquals(s, t.findReply(reply(out), 1));
        assertEquals(-1, t.findReply(out, 1));
        PacketView otherKey = reply(out);
        otherKey.greKey = 23;
        assertEquals(-1, t.findReply(otherKey, 1));
    }

    @Test
    void findsWhatWasInserted() {
        FlowTable t = new FlowTable(16, 60);
        int s = t.insert(flow(1, 1000), 0);
        assertEquals(s, t.find(flow(1, 1000), 1));
        assertEquals(-1, t.find(flow(1, 1001), 1));
        assertEquals(1, t.size());
    }

    @Test
    void evictsLeastRecentlyUsedWhenFull() {
        FlowTable t = new FlowTable(2, 60);
        t.insert(flow(1, 1), 0);
        t.insert(flow(2, 2), 1);
        t.find(flow(1, 1), 2); // 2 is now the least recently used
        t.insert(flow(3, 3), 3);
        assertEquals(-1, t.find(flow(2, 2), 4));
        assertNotEquals(-1, t.find(flow(1, 1), 4));
        assertEquals(1, t.evictions());
    }

    @Test
    void expiresIdleFlowsBoundedPerCall() {
        FlowTable t = new FlowTable(8, 10);
        for (int i = 0; i < 5; i++) {
            t.insert(flow(i, i), 0);
        }
        t.find(flow(4, 4), 9 * SEC);
        List<Integer> freed = new ArrayList<>();
        assertEquals(3, t.expire(11 * SEC, 3, freed::add));
        assertEquals(1, t.expire(11 * SEC, 3, freed::add));
        assertEquals(4, freed.size());
        assertEquals(1, t.size());
        assertNotEquals(-1, t.find(flow(4, 4), 11 * SEC));
    }

    @Test
    void staysConsistentUnderRandomInsertsAndRemoves() {
        FlowTable t = new FlowTable(64, 60);
        int[] slotOf = new int[256];
        java.util.Arrays.fill(slotOf, -1);
        Random rnd = new Random(7);
        for (int step = 0; step < 100_000; step++) {
            int k = rnd.nextInt(256);
            int found = t.find(flow(k, k), step);
            if (slotOf[k] >= 0 && found != slotOf[k]) {
                // evicted since: the table was full
                assertEquals(-1, found);
                slotOf[k] = -1;
            }
            if (found >= 0 && rnd.nextBoolean()) {
                t.remove(found);
                slotOf[k] = -1;
            } else if (found < 0) {
                slotOf[k] = t.insert(flow(k, k), step);
            }
        }
        int live = 0;
        for (int k = 0; k < 256; k++) {
            if (t.find(flow(k, k), 0) >= 0) {
                live++;
            }
        }
        assertEquals(t.size(), live);
    }
}
