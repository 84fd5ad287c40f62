package org.nfqwall.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nfqwall.cli.Main;
import org.nfqwall.control.ControlClient;
import org.nfqwall.control.ControlRequest;
import org.nfqwall.control.ControlResponse;
import org.nfqwall.control.Json;
import org.nfqwall.engine.DecisionListener;
import org.nfqwall.engine.Engine;
import org.nfqwall.engine.EngineConfig;
import org.nfqwall.rules.RuleSet;
import org.nfqwall.rules.RulesLoader;
import org.nfqwall.stats.Counters;
import org.nfqwall.stats.RuleCounters;

/**
 * The control socket end to end without the kernel: a real UNIX socket in a temporary directory,
 * the daemon's command handler with a real reloader and statistics, and the CLI commands.
 */
class ControlServerTest {
    private static final String RULES_A = """
            default: accept
            rules:
              - name: blocked
                path: "/blocked*"
                verdict: reject
              - name: allowed
                path: "/ok*"
                verdict: accept
            """;
    private static final String RULES_B = """
            default: accept
            rules:
              - name: allowed
                path: "/ok*"
                verdict: accept
              - name: blocked
                path: ["/blocked*", "/also-blocked*"]
                verdict: reject
              - name: extra
                host: never.example
                verdict: drop
            """;

    @TempDir
    Path dir;
    private Path socket;
    private Path rulesA;
    private final AtomicReference<RuleSet> rules = new AtomicReference<>();
    private RuleReloader reloader;
    private ControlCommands commands;
    private final List<String> log = new ArrayList<>();
    private ControlServer server;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws IOException {
        socket = dir.resolve("run/nfqwall/control.sock");
        rulesA = dir.resolve("a.yaml");
        Files.writeString(rulesA, RULES_A);
        rules.set(RulesLoader.load(rulesA).ruleSet());
        reloader = new RuleReloader(rules, rulesA);
        Counters counters = new Counters();
        Engine engine = new Engine(EngineConfig.defaults(), rules, counters, new RuleCounters(), DecisionListener.NONE);
        Path proc = dir.resolve("nfnetlink_queue");
        Files.writeString(proc, "    7   4242     0 2 65535     0     0       12  1\n");
        StatsCollector stats = new StatsCollector(List.of(new StatsCollector.QueueSource(7, engine, counters,
                () -> new StatsCollector.QueueSocketCounters(5, 4, 0, 0), () -> 0)), () -> 0, rules::get, proc);
        commands = new ControlCommands(reloader, rules::get, stats::collect, log::add, Instant.now(), List.of(7), true);
        server = ControlServer.start(socket, null, commands);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private int cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--control", socket.toString()));
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void createsTheDirectoryAndASocketOnlyItsOwnerMayUse() throws IOException {
        assertTrue(Files.isDirectory(socket.getParent()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
    }

    @Test
    void aControlGroupMakesTheSocketGroupAccessible() throws IOException {
        Path other = dir.resolve("group.sock");
        try (ControlServer s = ControlServer.start(other, "nogroup", commands)) {
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(other)));
            assertEquals(FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName("nogroup"),
                    Files.readAttributes(other, java.nio.file.attribute.PosixFileAttributes.class).group());
        }
        assertFalse(Files.exists(other), "closing removes the socket file");
    }

    @Test
    void anUnknownControlGroupIsAnError() {
        IOException e = assertThrows(IOException.class,
                () -> ControlServer.start(dir.resolve("g.sock"), "no-such-group-here", commands));
        assertEquals("--control-group no-such-group-here: no such group", e.getMessage());
    }

    @Test
    void statusIsOneLine() {
        assertEquals(0, cli("status"), err.toString());
        String line = out.toString();
        assertTrue(line.matches("running, pid \\d+, queue 7, " + java.util.regex.Pattern.quote(rulesA.toString())
                + ": 2 rules, 0 groups, 0 marks, default accept, up \\d+s, fail-open\n"), line);
    }

    @Test
    void statsShowsEveryRuleTheDefaultAndTheKernelQueues() {
        assertEquals(0, cli("stats"), err.toString());
        String text = out.toString();
        assertTrue(text.contains("note: per rule: decisions taken"), text);
        assertTrue(text.matches("(?s).*\nblocked +3 +reject +0 +0 +0 +never\n.*"), text);
        assertTrue(text.matches("(?s).*\n\\(default\\) +- +accept +0 .*"), text);
        assertTrue(text.contains("kernel queue 7: portid 4242, waiting 0, copy mode 2, copy range 65535, queue dropped 0,"
                + " user dropped 0, id sequence 12"), text);
        assertTrue(text.contains("queue socket: packets 5, receive calls 4, enobufs 0, netlink errors 0"), text);
    }

    @Test
    void statsAsJsonIsOneObjectForScripts() throws Exception {
        assertEquals(0, cli("stats", "--json"), err.toString());
        String[] lines = out.toString().split("\n");
        assertEquals(1, lines.length);
        Map<String, Object> m = Json.parseObject(lines[0]);
        assertEquals(true, m.get("ok"));
        List<?> ruleRows = (List<?>) m.get("rules");
        assertEquals(3, ruleRows.size());
        assertEquals("allowed", ((Map<?, ?>) ruleRows.get(1)).get("name"));
        assertEquals(7L, ((Map<?, ?>) ((List<?>) m.get("kernel_queues")).get(0)).get("queue"));
        assertEquals(7L, m.get("queue"));
        assertEquals(List.of(7L), m.get("queues"));
        Map<?, ?> queue = (Map<?, ?>) ((List<?>) m.get("per_queue")).get(0);
        assertEquals(7L, queue.get("queue"));
        assertEquals(4242L, ((Map<?, ?>) queue.get("kernel")).get("portid"));
    }

    @Test
    void statsWatchRepeatsTheBlockWhenNotATerminal() {
        assertEquals(0, cli("stats", "--watch", "1", "--count", "2"), err.toString());
        String text = out.toString();
        assertEquals(2, text.split("note: per rule", -1).length - 1, text);
        assertFalse(text.contains("\033["), "no ANSI codes into a pipe");
    }

    @Test
    void reloadWithErrorsExitsOnePrintingEveryErrorAndKeepsTheRules() throws IOException {
        RuleSet before = rules.get();
        Path broken = write("broken.yaml", "rules:\n  - name: x\n    dport: 99999\n    verdict: nope\n");
        assertEquals(1, cli("reload", "--rules", broken.toString()));
        String[] lines = err.toString().split("\n");
        assertEquals(3, lines.length, err.toString());
        assertTrue(lines[0].startsWith(broken + ":3:12: bad port \"99999\""), lines[0]);
        assertTrue(lines[1].startsWith(broken + ":4:14: "), lines[1]);
        assertEquals(broken + ": 2 error(s); the daemon keeps the rules in force", lines[2]);
        assertSame(before, rules.get());
        assertEquals(rulesA, reloader.file(), "a refused file does not become the file SIGHUP reloads");
        assertTrue(log.get(log.size() - 1).contains("refused"), log.toString());
    }

    @Test
    void dryRunPrintsWhatWouldChangeAndChangesNothing() throws IOException {
        RuleSet before = rules.get();
        Path b = write("b.yaml", RULES_B);
        assertEquals(0, cli("reload", "--rules", b.toString(), "--dry-run"), err.toString());
        assertEquals(b + ": ok, 3 rules, 0 groups, 0 marks, default accept (dry run: the rules in force are unchanged)\n"
                + "changes against the rules in force:\n"
                + "+ rule \"extra\" (line 9): drop\n"
                + "~ rule \"allowed\" (line 3): moved: rule 1 of 3 (was 2 of 2)\n"
                + "~ rule \"blocked\" (line 6): path: /blocked* -> /blocked*, /also-blocked*\n", out.toString());
        assertSame(before, rules.get());
        assertEquals(rulesA, reloader.file());
    }

    @Test
    void reloadSwapsTheRulesAndMakesTheFileTheOneSighupReloads() throws IOException {
        Path b = write("b.yaml", RULES_B);
        assertEquals(0, cli("reload", "--rules", b.toString()), err.toString());
        assertTrue(out.toString().startsWith("reloaded " + b + ": 3 rules"), out.toString());
        assertEquals(3, rules.get().size());
        assertEquals(b, reloader.file());
        out.getBuffer().setLength(0);
        assertEquals(0, cli("reload"));
        assertEquals("reloaded " + b + ": 3 rules, 0 groups, 0 marks, default accept\nno change\n", out.toString());
    }

    @Test
    void aGroupMemberMayReloadOnlyTheFileInForce() throws IOException {
        Path b = write("b.yaml", RULES_B);
        ControlResponse other = commands.handle(ControlRequest.reload(b.toString(), false), PeerPolicy.Access.GROUP);
        assertFalse(other.ok());
        assertTrue(other.errors().get(0).startsWith("only root or the daemon's user may load another file"), other.errors().toString());
        assertTrue(commands.handle(ControlRequest.reload(rulesA.toString(), false), PeerPolicy.Access.GROUP).ok());
        assertTrue(commands.handle(ControlRequest.reload(null, true), PeerPolicy.Access.GROUP).ok());
    }

    @Test
    void aRelativeRulesPathInARequestIsRefused() {
        ControlResponse r = commands.handle(ControlRequest.reload("rules.yaml", false), PeerPolicy.Access.FULL);
        assertEquals(List.of("\"rules\" must be an absolute path, got \"rules.yaml\""), r.errors());
    }

    @Test
    void noDaemonMeansExitThreeAndSaysWhere() {
        Path none = dir.resolve("none.sock");
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "status", "--control", none.toString());
        assertEquals(3, code);
        assertEquals("nfqwall: cannot reach the daemon at " + none + ": No such file (is it running? --control PATH)\n",
                err.toString());
        assertEquals(3, Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "reload", "--control",
                none.toString()));
        assertEquals(3, Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "stats", "--control",
                none.toString()));
    }

    @Test
    void aPeerThePolicyRefusesGetsAnErrorLineAndIsClosed() throws Exception {
        Path strict = dir.resolve("strict.sock");
        UserPrincipalHolder nobody = new UserPrincipalHolder();
        PeerPolicy onlyNobody = new PeerPolicy(Set.of(nobody.user), null, null, dir.resolve("no-group-file"));
        try (ControlServer s = new ControlServer(strict, ControlServer.bind(strict), onlyNobody, commands)) {
            s.startThreads();
            try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(strict))) {
                String reply = readAll(c);
                ControlResponse r = ControlResponse.fromJson(reply.strip());
                assertTrue(r.refused(), reply);
                assertTrue(r.errors().get(0).startsWith("permission denied: user root may not use the control socket"), reply);
            }
            int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "status", "--control", strict.toString());
            assertEquals(3, code);
            assertTrue(err.toString().startsWith("nfqwall: the daemon at " + strict + " refused the connection: permission denied"),
                    err.toString());
        }
    }

    /** Looks up "nobody" once, so the test above reads plainly. */
    private static final class UserPrincipalHolder {
        final java.nio.file.attribute.UserPrincipal user;

        UserPrincipalHolder() throws IOException {
            user = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        }
    }

    /** Reads until the server closes the connection (bounded by a deadline). */
    private static String readAll(SocketChannel c) throws IOException {
        StringBuilder sb = new StringBuilder();
        ByteBuffer buf = ByteBuffer.allocate(4096);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            buf.clear();
            int n = c.read(buf);
            if (n < 0) {
                return sb.toString();
            }
            sb.append(new String(buf.array(), 0, n, StandardCharsets.UTF_8));
        }
        throw new AssertionError("the server did not close the connection: " + sb);
    }

    @Test
    void aBadLineGetsAnErrorAndTheConnectionStaysUsable() throws Exception {
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            c.write(ByteBuffer.wrap("hello\n{\"cmd\":\"status\"}\n".getBytes(StandardCharsets.UTF_8)));
            ByteBuffer buf = ByteBuffer.allocate(65536);
            StringBuilder sb = new StringBuilder();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (sb.chars().filter(ch -> ch == '\n').count() < 2 && System.nanoTime() < deadline) {
                buf.clear();
                int n = c.read(buf);
                assertTrue(n > 0);
                sb.append(new String(buf.array(), 0, n, StandardCharsets.UTF_8));
            }
            String[] lines = sb.toString().split("\n");
            assertEquals("{\"ok\":false,\"errors\":[\"bad JSON at character 1: expected a JSON object; expected one JSON"
                    + " object per line, e.g. {\\\"cmd\\\":\\\"status\\\"}\"]}", lines[0]);
            assertTrue(lines[1].startsWith("{\"ok\":true,\"running\":true,"), lines[1]);
        }
    }

    @Test
    void oneConnectionCarriesManyRequests() throws Exception {
        try (ControlClient c = ControlClient.connect(socket)) {
            for (int i = 0; i < 20; i++) {
                assertTrue(c.send(ControlRequest.status(), Duration.ofSeconds(5)).ok());
            }
        }
    }

    @Test
    void aStaleSocketFileIsReplacedButALiveOneIsNot() throws IOException {
        Path stale = dir.resolve("stale.sock");
        ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        dead.bind(UnixDomainSocketAddress.of(stale));
        dead.close();
        assertTrue(Files.exists(stale), "closing a channel leaves its file, as a crashed daemon does");
        try (ControlServer s = ControlServer.start(stale, null, commands)) {
            IOException e = assertThrows(IOException.class, () -> ControlServer.start(stale, null, commands));
            assertTrue(e.getMessage().startsWith("another process (a running nfqwall?) listens on " + stale), e.getMessage());
        }
    }

    @Test
    void aPathThatIsNotASocketIsLeftAlone() throws IOException {
        Path file = write("not-a-socket", "keep me");
        IOException e = assertThrows(IOException.class, () -> ControlServer.start(file, null, commands));
        assertEquals(file + " exists and is not a socket; remove it or choose another --control PATH", e.getMessage());
        assertEquals("keep me", Files.readString(file));
    }

    @Test
    void closingRemovesTheSocketFile() {
        server.close();
        assertFalse(Files.exists(socket));
    }
}
