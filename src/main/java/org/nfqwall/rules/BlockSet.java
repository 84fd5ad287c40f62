package org.nfqwall.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * The timed blocks in force: an immutable list the control thread replaces as a whole and the
 * packet path reads through one volatile reference.
 *
 * <p>Immutable and thread-safe. {@link #match} allocates nothing; with no blocks the packet path
 * pays one volatile read and {@link #isEmpty}.
 */
public final class BlockSet {
    /** No blocks. */
    public static final BlockSet EMPTY = new BlockSet(List.of());

    private final Block[] blocks;

    private BlockSet(List<Block> blocks) {
        this.blocks = blocks.toArray(new Block[0]);
    }

    public static BlockSet of(List<Block> blocks) {
        return blocks.isEmpty() ? EMPTY : new BlockSet(blocks);
    }

    public boolean isEmpty() {
        return blocks.length == 0;
    }

    /** The first block in force that matches the facts, or null. */
    public Block match(Facts f, long nowMillis) {
        for (Block b : blocks) {
            if (b.matches(f, nowMillis)) {
                return b;
            }
        }
        return null;
    }

    /** The blocks, in the order they were added. */
    public List<Block> blocks() {
        return List.of(blocks);
    }

    /** The blocks still in force at {@code nowMillis}. */
    public BlockSet live(long nowMillis) {
        List<Block> live = new ArrayList<>();
        for (Block b : blocks) {
            if (b.expiresAtMillis() > nowMillis) {
                live.add(b);
            }
        }
        return live.size() == blocks.length ? this : of(live);
    }
}
