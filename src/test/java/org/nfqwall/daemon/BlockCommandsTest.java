package org.nfqwall.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nfqwall.control.ControlRequest;
import org.nfqwall.control.ControlResponse;
import org.nfqwall.rules.Block;
import org.nfqwall.rules.BlockSet;

class BlockCommandsTest {
    @TempDir
    Path dir;

    private final List<String> commands = new ArrayList<>();
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final AtomicReference<BlockSet> blocks = new AtomicReference<>(BlockSet.EMPTY);

    private BlockCommands commands() {
        KernelBlocks kernel = new KernelBlocks(cmd -> {
            commands.add(String.join(" ", cmd));
            return null;
        });
        return new BlockCommands(blocks, new BlockStore(dir), kernel, s -> { }, clock::get);
    }

    @Test
    void sourceBlockGoesIntoTheKernelSetWithItsTimeout() throws Exception {
        BlockCommands c = commands();
        c.restore();
        ControlResponse r = c.handle(ControlRequest.block("10.99.1.2", null, null, 10, "test"));
        assertTrue(r.ok(), r.toJson());
        assertTrue(commands.contains("ipset add nfqwall-src 10.99.1.2/32 timeout 10 -exist"), commands.toString());
        assertTrue(commands.contains("ipset create nfqwall-dst6 hash:net family inet6 timeout 0 -exist"), commands.toString());
        assertEquals(1, blocks.get().blocks().size());
        c.handle(ControlRequest.unblock(1));
        assertTrue(commands.contains("ipset del nfqwall-src 10.99.1.2/32 -exist"), commands.toString());
        assertTrue(blocks.get().isEmpty());
    }

    @Test
    void hostBlockStaysInTheDaemon() throws Exception {
        BlockCommands c = commands();
        c.handle(ControlRequest.block(null, null, "*.example.com", 60, null));
        assertTrue(commands.stream().noneMatch(s -> s.startsWith("ipset add")), commands.toString());
        assertEquals("*.example.com", blocks.get().blocks().get(0).host());
    }

    @Test
    void sameSelectorsRenewTheBlockUnderItsId() throws Exception {
        BlockCommands c = commands();
        c.handle(ControlRequest.block("10.0.0.0/8", null, null, 60, "a"));
        c.handle(ControlRequest.block("10.0.0.0/8", null, null, 600, "b"));
        List<Block> list = blocks.get().blocks();
        assertEquals(1, list.size());
        assertEquals(1, list.get(0).id());
        assertEquals(1_000_000 + 600_000, list.get(0).expiresAtMillis());
    }

    @Test
    void unblockBySelectorsAndUnknownIdIsAnError() throws Exception {
        BlockCommands c = commands();
        c.handle(ControlRequest.block(null, "fd99:2::2", null, 60, null));
        assertFalse(c.handle(ControlRequest.unblock(9)).ok());
        assertTrue(c.handle(ControlRequest.unblock(null, "fd99:2::2/128", null)).ok());
        assertTrue(blocks.get().isEmpty());
    }

    @Test
    void badSelectorIsRefusedAndChangesNothing() throws Exception {
        BlockCommands c = commands();
        ControlResponse r = c.handle(ControlRequest.block("10.0.0.1/40", null, null, 60, null));
        assertFalse(r.ok());
        assertTrue(r.errors().get(0).contains("prefix length"), r.errors().toString());
        assertTrue(blocks.get().isEmpty());
    }

    @Test
    void restartRestoresLiveBlocksWithTheirRemainingTimeAndForgetsExpiredOnes() throws Exception {
        BlockCommands c = commands();
        c.handle(ControlRequest.block("10.99.1.2", null, null, 100, "live"));
        c.handle(ControlRequest.block(null, null, "gone.example", 5, null));
        clock.addAndGet(10_000);
        commands.clear();
        blocks.set(BlockSet.EMPTY);
        BlockCommands again = commands();
        again.restore();
        assertEquals(1, blocks.get().blocks().size());
        assertEquals("live", blocks.get().blocks().get(0).reason());
        assertTrue(commands.contains("ipset add nfqwall-src 10.99.1.2/32 timeout 90 -exist"), commands.toString());
        again.handle(ControlRequest.block(null, "10.1.1.1", null, 5, null));
        assertEquals(3, blocks.get().blocks().get(1).id(), "ids are not reused after a restart");
        assertFalse(Files.readString(dir.resolve("blocks.json")).contains("gone.example"));
    }

    @Test
    void stateFileRoundTripsAndLeavesNoTemporaryFiles() throws Exception {
        BlockStore store = new BlockStore(dir);
        Block b = Block.create(4, "10.0.0.0/8", "10.1.0.0/16", "a.example", 123456789, "why \"quoted\"\n");
        store.save(new BlockStore.State(5, List.of(b)));
        store.save(new BlockStore.State(5, List.of(b)));
        BlockStore.State s = store.load();
        assertEquals(5, s.nextId());
        Block back = s.blocks().get(0);
        assertTrue(back.sameSelectors(b));
        assertEquals(b.reason(), back.reason());
        assertEquals(b.expiresAtMillis(), back.expiresAtMillis());
        try (var files = Files.list(dir)) {
            assertEquals(List.of("blocks.json"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void corruptStateFileSaysWhatToDo() throws Exception {
        Files.writeString(dir.resolve("blocks.json"), "{not json");
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> new BlockStore(dir).load());
        assertTrue(e.getMessage().contains("fix or remove it"), e.getMessage());
    }

    @Test
    void conntrackCutSetsTheDropBitOfOneConnection() {
        List<List<String>> ran = new ArrayList<>();
        KernelBlocks k = new KernelBlocks(cmd -> {
            ran.add(cmd);
            return null;
        });
        k.cut(0, 0x0000FFFF0A630102L, 0, 0x0000FFFF0A630202L, 6, 40000, 443);
        assertEquals(List.of("conntrack", "-U", "-f", "ipv4", "-p", "tcp", "-s", "10.99.1.2", "-d", "10.99.2.2",
                "--sport", "40000", "--dport", "443", "-m", "0x20000000/0x20000000"), ran.get(0));
    }

    @Test
    void startWithoutBlocksWritesNothing() throws Exception {
        Path missing = dir.resolve("not-there");
        new BlockCommands(blocks, new BlockStore(missing), new KernelBlocks(cmd -> null), s -> { }, clock::get).restore();
        assertFalse(Files.exists(missing));
    }
}
