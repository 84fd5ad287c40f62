package org.nfqwall.daemon;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.nfqwall.control.BlockArgs;
import org.nfqwall.control.ControlRequest;
import org.nfqwall.control.ControlResponse;
import org.nfqwall.rules.Block;
import org.nfqwall.rules.BlockSet;

/**
 * Keeps the timed blocks: answers {@code block}, {@code unblock} and {@code blocks}, saves every
 * change to the {@link BlockStore} before it answers, puts src-only and dst-only blocks into the
 * kernel's ipsets ({@link KernelBlocks}), and swaps the {@link BlockSet} the workers read (they
 * cut the flows a new block matches). A block with the same selectors as one in force replaces
 * it, keeping its id.
 *
 * <p>Called on control-socket threads; its methods are synchronized, so changes are serialised.
 */
final class BlockCommands {
    private final AtomicReference<BlockSet> blocks;
    private final BlockStore store;
    private final KernelBlocks kernel;
    private final Consumer<String> log;
    private final LongSupplier clock;
    private long nextId = 1;

    BlockCommands(AtomicReference<BlockSet> blocks, BlockStore store, KernelBlocks kernel, Consumer<String> log,
            LongSupplier clock) {
        this.blocks = blocks;
        this.store = store;
        this.kernel = kernel;
        this.log = log;
        this.clock = clock;
    }

    /**
     * At start: creates the sets, loads the saved blocks, forgets the expired ones, puts the live
     * ones back into the sets with their remaining time, and publishes them.
     */
    synchronized void restore() throws IOException {
        for (String e : kernel.createSets()) {
            log.accept("nfqwall: blocks: " + e);
        }
        BlockStore.State state = store.load();
        long now = clock.getAsLong();
        nextId = state.nextId();
        BlockSet live = BlockSet.of(state.blocks()).live(now);
        for (Block b : live.blocks()) {
            if (b.kernelOnly()) {
                report(kernel.add(b, remainingSeconds(b, now)));
            }
        }
        blocks.set(live);
        if (live.blocks().size() != state.blocks().size()) {
            // Only rewrite what changed: a daemon without blocks writes nothing to the state directory.
            store.save(new BlockStore.State(nextId, live.blocks()));
        }
        if (!live.isEmpty()) {
            log.accept("nfqwall: " + live.blocks().size() + " timed block(s) restored from " + store.file());
        }
    }

    synchronized ControlResponse handle(ControlRequest request) {
        long now = clock.getAsLong();
        BlockSet current = blocks.get().live(now);
        try {
            return switch (request.cmd()) {
                case ControlRequest.BLOCK -> block(request.block(), current, now);
                case ControlRequest.UNBLOCK -> unblock(request.block(), current, now);
                default -> ControlResponse.success(Map.of("blocks", list(current, now)));
            };
        } catch (IOException e) {
            return ControlResponse.failure("cannot save the blocks to " + store.file() + ": " + e.getMessage()
                    + "; nothing changed");
        }
    }

    private ControlResponse block(BlockArgs a, BlockSet current, long now) throws IOException {
        Block b;
        try {
            b = Block.create(nextId, a.src(), a.dst(), a.host(), now + a.seconds() * 1000, a.reason());
        } catch (IllegalArgumentException e) {
            return ControlResponse.failure(e.getMessage());
        }
        List<Block> next = new ArrayList<>();
        for (Block old : current.blocks()) {
            if (old.sameSelectors(b)) {
                b = b.withIdAndExpiry(old.id(), b.expiresAtMillis());
            } else {
                next.add(old);
            }
        }
        next.add(b);
        long id = b.id();
        long newNext = id == nextId ? nextId + 1 : nextId;
        store.save(new BlockStore.State(newNext, next));
        nextId = newNext;
        List<String> warnings = new ArrayList<>();
        if (b.kernelOnly()) {
            String e = kernel.add(b, a.seconds());
            if (e != null) {
                warnings.add(e + " (the block holds for new flows only, decided by the daemon)");
            }
        }
        blocks.set(BlockSet.of(next));
        log.accept("nfqwall: " + b + " for " + a.seconds() + " s" + (b.reason().isEmpty() ? "" : " (" + b.reason() + ")"));
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("block", json(b, now));
        fields.put("warnings", warnings);
        return ControlResponse.success(fields);
    }

    private ControlResponse unblock(BlockArgs a, BlockSet current, long now) throws IOException {
        Block selectors = null;
        if (a.id() == null) {
            try {
                selectors = Block.create(0, a.src(), a.dst(), a.host(), 0, null);
            } catch (IllegalArgumentException e) {
                return ControlResponse.failure(e.getMessage());
            }
        }
        List<Block> keep = new ArrayList<>();
        List<Block> removed = new ArrayList<>();
        for (Block b : current.blocks()) {
            boolean hit = selectors == null ? b.id() == a.id() : b.sameSelectors(selectors);
            (hit ? removed : keep).add(b);
        }
        if (removed.isEmpty()) {
            return ControlResponse.failure("no block " + (selectors == null ? "with id " + a.id()
                    : "with exactly " + selectors.selectors()) + " is in force; see nfqwall blocks");
        }
        store.save(new BlockStore.State(nextId, keep));
        for (Block b : removed) {
            if (b.kernelOnly()) {
                report(kernel.remove(b));
            }
            log.accept("nfqwall: removed " + b);
        }
        blocks.set(BlockSet.of(keep));
        List<Object> out = new ArrayList<>();
        for (Block b : removed) {
            out.add(json(b, now));
        }
        return ControlResponse.success(Map.of("removed", out));
    }

    private void report(String error) {
        if (error != null) {
            log.accept("nfqwall: blocks: " + error);
        }
    }

    private static long remainingSeconds(Block b, long now) {
        return Math.max(1, (b.expiresAtMillis() - now + 999) / 1000);
    }

    private static List<Object> list(BlockSet set, long now) {
        List<Object> out = new ArrayList<>();
        for (Block b : set.blocks()) {
            out.add(json(b, now));
        }
        return out;
    }

    /** One block as the protocol shows it. */
    static Map<String, Object> json(Block b, long now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", b.id());
        m.put("src", b.src());
        m.put("dst", b.dst());
        m.put("host", b.host());
        m.put("expires", Instant.ofEpochMilli(b.expiresAtMillis()).toString());
        m.put("expires_in_seconds", remainingSeconds(b, now));
        m.put("reason", b.reason());
        m.put("where", b.kernelOnly() ? "kernel" : "daemon");
        return m;
    }
}
