package org.nfqwall.daemon;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nfqwall.control.Json;
import org.nfqwall.rules.Block;

/**
 * The timed blocks on disk, {@value #FILE_NAME} in the state directory, so they survive a
 * restart: written whole to a temporary file in the same directory, forced to disk, then renamed
 * over the old file, so a crash leaves the old or the new file, never half of one.
 *
 * <p>Used by the control thread only (the callers serialise access).
 */
final class BlockStore {
    static final String FILE_NAME = "blocks.json";

    /** What the file holds: the next id to hand out and the blocks. */
    record State(long nextId, List<Block> blocks) {
    }

    private final Path file;

    BlockStore(Path stateDir) {
        this.file = stateDir.resolve(FILE_NAME);
    }

    Path file() {
        return file;
    }

    /** The saved state; an empty one when there is no file. */
    State load() throws IOException {
        if (!Files.exists(file)) {
            return new State(1, List.of());
        }
        try {
            Map<String, Object> m = Json.parseObject(Files.readString(file, StandardCharsets.UTF_8));
            long nextId = m.get("next_id") instanceof Long n ? n : 1;
            List<Block> blocks = new ArrayList<>();
            if (m.get("blocks") instanceof List<?> list) {
                for (Object o : list) {
                    if (o instanceof Map<?, ?> b) {
                        long id = ((Number) b.get("id")).longValue();
                        blocks.add(Block.create(id, (String) b.get("src"), (String) b.get("dst"), (String) b.get("host"),
                                ((Number) b.get("expires_ms")).longValue(), (String) b.get("reason")));
                        nextId = Math.max(nextId, id + 1);
                    }
                }
            }
            return new State(nextId, blocks);
        } catch (Json.JsonException | RuntimeException e) {
            throw new IOException(file + " cannot be read: " + e.getMessage()
                    + "; fix or remove it (it holds the timed blocks)", e);
        }
    }

    /** Replaces the file with {@code state}, atomically. */
    void save(State state) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", 1);
        m.put("next_id", state.nextId());
        List<Object> list = new ArrayList<>();
        for (Block b : state.blocks()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("id", b.id());
            o.put("src", b.src());
            o.put("dst", b.dst());
            o.put("host", b.host());
            o.put("expires_ms", b.expiresAtMillis());
            o.put("reason", b.reason());
            list.add(o);
        }
        m.put("blocks", list);
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), FILE_NAME + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap((Json.write(m) + "\n").getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // Some file systems cannot sync a directory; the rename itself is still atomic.
        }
    }
}
