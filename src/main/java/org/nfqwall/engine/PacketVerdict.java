package org.nfqwall.engine;

/**
 * A packet's verdict packed in a {@code long}, so the per-packet path returns it without
 * allocating: the action in the high half, the packet mark to set in the low half.
 *
 * <p>{@link #REPEAT} hands the packet back to the start of the hook with a mark the generated
 * iptables rules act on (see {@link org.nfqwall.rules.MarkBits}).
 */
public final class PacketVerdict {
    public static final int ACCEPT = 0;
    public static final int DROP = 1;
    public static final int REPEAT = 2;

    /** Accept, mark untouched. */
    public static final long ACCEPTED = encode(ACCEPT, 0);
    /** Drop this packet only (or again, for a flow already dropped in the kernel). */
    public static final long DROPPED = encode(DROP, 0);

    private PacketVerdict() {
    }

    public static long encode(int action, int mark) {
        return ((long) action << 32) | (mark & 0xFFFFFFFFL);
    }

    public static int action(long verdict) {
        return (int) (verdict >>> 32);
    }

    public static int mark(long verdict) {
        return (int) verdict;
    }

    public static String describe(long verdict) {
        return switch (action(verdict)) {
            case ACCEPT -> "accept";
            case DROP -> "drop";
            default -> String.format("repeat mark=0x%08x", mark(verdict));
        };
    }
}
