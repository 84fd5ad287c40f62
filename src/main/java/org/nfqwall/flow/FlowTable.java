package org.nfqwall.flow;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.nfqwall.packet.PacketView;

/**
 * A bounded table of flows keyed by the 5-tuple, with idle expiry and least-recently-used
 * eviction when full. A flow inside a GRE tunnel ({@link PacketView#tunnelled}) is keyed by its
 * inner 5-tuple together with the tunnel's endpoints and key, so two tunnels that carry the same
 * private inner addresses never share a flow.
 *
 * <p>Flows are identified by a slot number in {@code [0, capacity)}; the caller keeps its own
 * per-flow state in an array indexed by slot and resets it whenever {@link #insert} hands out a
 * slot. All storage is allocated up front, so lookups, inserts and removals allocate nothing.
 *
 * <p>Owned by one worker thread (one table per queue: the kernel's queue balancing sends a
 * flow to one queue), so there are no locks. Not thread-safe.
 */
public final class FlowTable {
    /** Default cap on tracked flows: {@value}. */
    public static final int DEFAULT_CAPACITY = 65536;
    /** Default idle time after which a flow is forgotten: {@value} seconds. */
    public static final int DEFAULT_IDLE_SECONDS = 120;

    private static final int NONE = -1;
    private static final long TUNNELLED = 1L << 33;
    private static final long KEY_PRESENT = 1L << 32;

    private final int capacity;
    private final long idleNanos;
    private final int mask;
    /** Open-addressing index: slot + 1, or 0 when empty. Linear probing, backward-shift delete. */
    private final int[] buckets;

    private final long[] srcHi, srcLo, dstHi, dstLo;
    /** srcPort << 24 | dstPort << 8 | protocol. */
    private final long[] portsProto;
    /** The tunnel endpoints of a tunnelled flow; 0 for a plain one. */
    private final long[] outerSrcHi, outerSrcLo, outerDstHi, outerDstLo;
    /** {@link #TUNNELLED} | {@link #KEY_PRESENT} | key for a tunnelled flow; 0 for a plain one. */
    private final long[] tunnel;
    private final int[] hash;
    private final long[] lastSeen;
    private final boolean[] used;
    /** Recency list over used slots: head is least recently used. */
    private final int[] prev, next;
    private int head = NONE, tail = NONE;
    /** Free slots, as a stack. */
    private final int[] free;
    private int freeCount;

    private int size;
    private long evictions;
    private static final VarHandle EVICTIONS;

    static {
        try {
            EVICTIONS = MethodHandles.lookup().findVarHandle(FlowTable.class, "evictions", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private long expirations;

    /**
     * @param capacity most flows held at once; the least recently used is evicted beyond it
     * @param idleSeconds a flow not seen for this long is forgotten by {@link #expire}
     */
    public FlowTable(int capacity, int idleSeconds) {
        if (capacity < 1 || capacity > (1 << 26)) {
            throw new IllegalArgumentException("flow table capacity must be 1.." + (1 << 26) + ", got " + capacity);
        }
        if (idleSeconds < 1) {
            throw new IllegalArgumentException("flow idle timeout must be at least 1 s, got " + idleSeconds);
        }
        this.capacity = capacity;
        this.idleNanos = idleSeconds * 1_000_000_000L;
        int tableSize = Integer.highestOneBit(capacity * 2 - 1) << 1;
        this.mask = tableSize - 1;
        this.buckets = new int[tableSize];
        this.srcHi = new long[capacity];
        this.srcLo = new long[capacity];
        this.dstHi = new long[capacity];
        this.dstLo = new long[capacity];
        this.portsProto = new long[capacity];
        this.outerSrcHi = new long[capacity];
        this.outerSrcLo = new long[capacity];
        this.outerDstHi = new long[capacity];
        this.outerDstLo = new long[capacity];
        this.tunnel = new long[capacity];
        this.hash = new int[capacity];
        this.lastSeen = new long[capacity];
        this.used = new boolean[capacity];
        this.prev = new int[capacity];
        this.next = new int[capacity];
        this.free = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            free[i] = capacity - 1 - i;
        }
        this.freeCount = capacity;
    }

    /** Returns the slot of the packet's flow (same direction), or -1; refreshes its idle time. */
    public int find(PacketView p, long nowNanos) {
        return find(p.srcHi, p.srcLo, p.dstHi, p.dstLo, portsProto(p.srcPort, p.dstPort, p.l4Protocol), tunnel(p),
                p.outerSrcHi, p.outerSrcLo, p.outerDstHi, p.outerDstLo, nowNanos);
    }

    /**
     * Returns the slot of the flow whose reply the packet would be (addresses and ports swapped,
     * the tunnel's endpoints too, the same key), or -1; refreshes its idle time. For tunnelled
     * packets, whose replies come through the queue as well.
     */
    public int findReply(PacketView p, long nowNanos) {
        return find(p.dstHi, p.dstLo, p.srcHi, p.srcLo, portsProto(p.dstPort, p.srcPort, p.l4Protocol), tunnel(p),
                p.outerDstHi, p.outerDstLo, p.outerSrcHi, p.outerSrcLo, nowNanos);
    }

    /** The slot of the flow with this key, or -1; refreshes its idle time. */
    private int find(long sHi, long sLo, long dHi, long dLo, long pp, long t, long oSHi, long oSLo, long oDHi,
            long oDLo, long nowNanos) {
        int h = hash(sHi, sLo, dHi, dLo, pp, t, oSHi, oSLo, oDHi, oDLo);
        for (int b = h & mask; ; b = (b + 1) & mask) {
            int s = buckets[b] - 1;
            if (s < 0) {
                return NONE;
            }
            if (hash[s] == h && portsProto[s] == pp && srcLo[s] == sLo && dstLo[s] == dLo && srcHi[s] == sHi
                    && dstHi[s] == dHi && tunnel[s] == t && outerSrcLo[s] == oSLo && outerDstLo[s] == oDLo
                    && outerSrcHi[s] == oSHi && outerDstHi[s] == oDHi) {
                touch(s, nowNanos);
                return s;
            }
        }
    }

    /**
     * Adds the packet's flow, which must not be present, and returns its slot. When the table is
     * full the least recently used flow is evicted first and its slot reused.
     */
    public int insert(PacketView p, long nowNanos) {
        if (freeCount == 0) {
            // Opaque: metrics read it from another thread and must never see half of it.
            EVICTIONS.setOpaque(this, evictions + 1);
            remove(head);
        }
        int s = free[--freeCount];
        srcHi[s] = p.srcHi;
        srcLo[s] = p.srcLo;
        dstHi[s] = p.dstHi;
        dstLo[s] = p.dstLo;
        portsProto[s] = portsProto(p.srcPort, p.dstPort, p.l4Protocol);
        tunnel[s] = tunnel(p);
        outerSrcHi[s] = p.outerSrcHi;
        outerSrcLo[s] = p.outerSrcLo;
        outerDstHi[s] = p.outerDstHi;
        outerDstLo[s] = p.outerDstLo;
        hash[s] = hash(p.srcHi, p.srcLo, p.dstHi, p.dstLo, portsProto[s], tunnel[s], p.outerSrcHi, p.outerSrcLo,
                p.outerDstHi, p.outerDstLo);
        used[s] = true;
        int b = hash[s] & mask;
        while (buckets[b] != 0) {
            b = (b + 1) & mask;
        }
        buckets[b] = s + 1;
        lastSeen[s] = nowNanos;
        linkTail(s);
        size++;
        return s;
    }

    /** True when slot {@code s} holds a flow (for walking the table: {@code 0 <= s < capacity}). */
    public boolean inUse(int s) {
        return used[s];
    }

    /** The flow's source address, high 64 bits (IPv4 mapped, as in the packet view). */
    public long srcHi(int s) {
        return srcHi[s];
    }

    public long srcLo(int s) {
        return srcLo[s];
    }

    public long dstHi(int s) {
        return dstHi[s];
    }

    public long dstLo(int s) {
        return dstLo[s];
    }

    public int srcPort(int s) {
        return (int) (portsProto[s] >>> 24) & 0xFFFF;
    }

    public int dstPort(int s) {
        return (int) (portsProto[s] >>> 8) & 0xFFFF;
    }

    /** IP protocol number: 6 TCP, 17 UDP. */
    public int protocol(int s) {
        return (int) portsProto[s] & 0xFF;
    }

    /** True when the flow in slot {@code s} came inside a GRE tunnel. */
    public boolean tunnelled(int s) {
        return (tunnel[s] & TUNNELLED) != 0;
    }

    /** Forgets the flow in slot {@code s}; unused slots are ignored. */
    public void remove(int s) {
        if (s < 0 || s >= capacity || !used[s]) {
            return;
        }
        int b = hash[s] & mask;
        while (buckets[b] != s + 1) {
            b = (b + 1) & mask;
        }
        // Backward-shift deletion keeps probe chains intact without tombstones.
        int hole = b;
        for (int j = (hole + 1) & mask; buckets[j] != 0; j = (j + 1) & mask) {
            int home = hash[buckets[j] - 1] & mask;
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                buckets[hole] = buckets[j];
                hole = j;
            }
        }
        buckets[hole] = 0;
        unlink(s);
        used[s] = false;
        free[freeCount++] = s;
        size--;
    }

    /**
     * Forgets flows idle for longer than the timeout, oldest first, at most {@code maxWork} of
     * them per call so the packet loop never stalls.
     *
     * @return the slots freed are reported through {@code onExpired}, which may be null
     */
    public int expire(long nowNanos, int maxWork, SlotListener onExpired) {
        int n = 0;
        while (head != NONE && n < maxWork && nowNanos - lastSeen[head] > idleNanos) {
            int s = head;
            remove(s);
            if (onExpired != null) {
                onExpired.slotFreed(s);
            }
            expirations++;
            n++;
        }
        return n;
    }

    /** Receives slots freed by expiry. */
    @FunctionalInterface
    public interface SlotListener {
        void slotFreed(int slot);
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return capacity;
    }

    /** Flows pushed out because the table was full. */
    public long evictions() {
        return (long) EVICTIONS.getOpaque(this);
    }

    /** Flows forgotten after being idle. */
    public long expirations() {
        return expirations;
    }

    private void touch(int s, long nowNanos) {
        lastSeen[s] = nowNanos;
        if (tail != s) {
            unlink(s);
            linkTail(s);
        }
    }

    private void linkTail(int s) {
        prev[s] = tail;
        next[s] = NONE;
        if (tail != NONE) {
            next[tail] = s;
        } else {
            head = s;
        }
        tail = s;
    }

    private void unlink(int s) {
        int p = prev[s];
        int n = next[s];
        if (p != NONE) {
            next[p] = n;
        } else {
            head = n;
        }
        if (n != NONE) {
            prev[n] = p;
        } else {
            tail = p;
        }
    }

    private static long portsProto(int srcPort, int dstPort, int protocol) {
        return ((long) srcPort << 24) | ((long) dstPort << 8) | protocol;
    }

    private static long tunnel(PacketView p) {
        if (!p.tunnelled) {
            return 0;
        }
        return TUNNELLED | (p.greKeyPresent ? KEY_PRESENT | p.greKey : 0);
    }

    /** The tunnel's fields are mixed in only for a tunnelled flow, so a plain one costs what it did. */
    private static int hash(long a, long b, long c, long d, long e, long t, long oa, long ob, long oc, long od) {
        long h = a * 0x9E3779B97F4A7C15L;
        h = (h ^ b) * 0xC2B2AE3D27D4EB4FL;
        h = (h ^ c) * 0x165667B19E3779F9L;
        h = (h ^ d) * 0x9E3779B97F4A7C15L;
        h = (h ^ e) * 0xC2B2AE3D27D4EB4FL;
        if (t != 0) {
            h = (h ^ t) * 0x165667B19E3779F9L;
            h = (h ^ oa) * 0x9E3779B97F4A7C15L;
            h = (h ^ ob) * 0xC2B2AE3D27D4EB4FL;
            h = (h ^ oc) * 0x165667B19E3779F9L;
            h = (h ^ od) * 0x9E3779B97F4A7C15L;
        }
        return (int) (h ^ (h >>> 29) ^ (h >>> 47));
    }
}
