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
