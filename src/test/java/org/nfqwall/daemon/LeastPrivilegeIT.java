package org.nfqwall.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.nfqwall.lab.ExecResult;
import org.nfqwall.lab.Lab;
import org.nfqwall.lab.Node;
import org.nfqwall.lab.ReceivedRequest;
import org.nfqwall.nfq.QueueConfig;

/**
 * The privilege model of scripts/nfqwall.service, without systemd: the daemon runs in the lab's
 * firewall namespace as a dedicated system user holding CAP_NET_ADMIN and no other capability,
 * with no new privileges, confined the way the unit confines it (read-only file system,
 * /proc/sys and /sys read-only, no homes, private /tmp and /dev: src/test/resources/lab/
 * service_sandbox.sh, which ends in {@code setpriv}), and judges real traffic; without
 * CAP_NET_ADMIN it refuses to start with one line and exit 1.
 *
 * <p>The test creates the system user {@value #USER} and removes it afterwards, also the one a
 * killed earlier run left behind (recognised by its comment); the jar and rules are copied to a
 * directory that user can read (and the sandbox's private /tmp does not hide).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LeastPrivilegeIT {
    private static final Duration T = Duration.ofSeconds(20);
    private static final int QUEUE = 4;
    /** A second queue, so the run without CAP_NET_ADMIN never meets the running daemon's. */
    private static final int UNPRIVILEGED_QUEUE = 5;
    private static final String USER = "nfqwall-test";
    private static final String USER_COMMENT = "nfqwall LeastPrivilegeIT";
    /** CAP_NET_ADMIN is capability 12: bit 12 of the /proc/PID/status masks. */
    private static final String NET_ADMIN_ONLY = "0000000000001000";

    private static Lab lab;
    private static FirewallUnderTest firewall;
    private static Path stage;
    private static Path log;
    private static Process daemon;

    @BeforeAll
    static void startConfinedDaemon() throws IOException {
        removeTestUser();
        run(T, "useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
                "--shell", "/usr/sbin/nologin", "--comment", USER_COMMENT, USER).requireOk();
        stage = readableStage();
        lab = Lab.create();
        lab.startRecordingServer(80);
        firewall = new FirewallUnderTest(lab, QUEUE);
        firewall.applyRuleset("--ports", "80");
        log = lab.workDir().resolve("confined-daemon.log");
        daemon = lab.start(Node.FW, log, confinedNfqwall("+net_admin", "run", "--rules", stage.resolve("rules.yaml").toString(),
                "--queue", String.valueOf(QUEUE)));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!log().contains("nfqwall: queue " + QUEUE)) {
            if (!daemon.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the confined daemon did not start:\n" + log());
            }
            FirewallUnderTest.sleep(50);
        }
    }

    @AfterAll
    static void cleanUp() throws IOException {
        try {
            if (lab != null) {
                lab.close();
            }
        } finally {
            try {
                removeTestUser();
            } finally {
                deleteTree(stage);
            }
        }
    }

    @Test
    @Order(1)
    void daemonRunsAsTheSystemUserNotRoot() {
        Map<String, String> status = status(daemon.pid());
        assertEquals("java", read(Path.of("/proc", String.valueOf(daemon.pid()), "comm")).strip());
        String uid = run(T, "id", "-u", USER).requireOk().stdout().strip();
        String gid = run(T, "id", "-g", USER).requireOk().stdout().strip();
        assertNotEquals("0", uid);
        // real, effective, saved and file-system ids
        assertEquals(String.join("\t", uid, uid, uid, uid), status.get("Uid"), status.toString());
        assertEquals(String.join("\t", gid, gid, gid, gid), status.get("Gid"), status.toString());
    }

    @Test
    @Order(2)
    void daemonHoldsCapNetAdminAndNothingElse() {
        Map<String, String> status = status(daemon.pid());
        assertEquals(NET_ADMIN_ONLY, status.get("CapEff"), status.toString());
        assertEquals(NET_ADMIN_ONLY, status.get("CapPrm"), status.toString());
        assertEquals(NET_ADMIN_ONLY, status.get("CapAmb"), status.toString());
        assertEquals(NET_ADMIN_ONLY, status.get("CapBnd"), "bounding set: " + status);
        assertEquals("1", status.get("NoNewPrivs"), status.toString());
    }

    @Test
    @Order(3)
    void startLineSaysTheForcedSocketBufferWasSet() {
        String start = log().lines().filter(l -> l.contains("nfqwall: queue " + QUEUE)).findFirst().orElseThrow();
        // The kernel reports twice what SO_RCVBUFFORCE asked for; SO_RCVBUF alone stops at rmem_max.
        int forcedKiB = 2 * QueueConfig.DEFAULT_RECEIVE_BUFFER_BYTES >> 10;
        assertTrue(start.contains("socket buffer " + forcedKiB + " KiB"), start);
        assertFalse(start.contains("SO_RCVBUFFORCE refused"), start);
    }

    @Test
    @Order(4)
    void allowedRequestReachesTheServer() {
        ExecResult r = curl("/APP1/confined", 5);
        assertEquals("200", r.stdout(), r.describe());
        assertTrue(received("/APP1/confined"));
    }

    @Test
    @Order(5)
    void blockedRequestIsDroppedAndLogged() {
        ExecResult r = curl("/APP2/confined", 2);
        assertEquals(28, r.exitCode(), "expected a timeout: " + r.describe());
        assertFalse(received("/APP2/confined"));
        String logged = Lab.eventually(Duration.ofSeconds(5), LeastPrivilegeIT::log,
                l -> l.contains("\"action\":\"drop\",\"rule\":\"app2\""));
        assertTrue(logged.contains("\"action\":\"drop\",\"rule\":\"app2\"") && logged.contains("/APP2/confined"), logged);
    }

    @Test
    @Order(6)
    void kernelTunablesReadOnlyHideNeitherNetlinkNorTheQueueTable() {
        // ProtectKernelTunables makes /proc/sys and /sys read-only; /proc/net is not among them.
        // The daemon itself reads no /proc file: it talks netlink, which the tests above show works.
        ExecResult write = lab.exec(Node.FW, T, confined(USER, "+net_admin", "sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward"));
        assertNotEquals(0, write.exitCode(), "a sysctl was writable in the sandbox: " + write.describe());
        // The kernel creates the queue table 0440 root:root, so only root reads it, sandbox or not;
        // root inside the same sandbox, without any capability, still sees the bound queue.
        ExecResult asRoot = lab.exec(Node.FW, T, confined("root", "", "cat", "/proc/net/netfilter/nfnetlink_queue"));
        assertEquals(0, asRoot.exitCode(), asRoot.describe());
        assertTrue(asRoot.stdout().lines().anyMatch(l -> l.strip().startsWith(QUEUE + " ")), asRoot.describe());
        ExecResult asUser = lab.exec(Node.FW, T, confined(USER, "+net_admin", "cat", "/proc/net/netfilter/nfnetlink_queue"));
        assertTrue(asUser.stderr().contains("Permission denied"), "expected the kernel's 0440: " + asUser.describe());
    }

    @Test
    @Order(7)
    void withoutCapNetAdminTheDaemonSaysWhyInOneLineAndExitsOne() {
        ExecResult r = lab.exec(Node.FW, Duration.ofSeconds(60), confinedNfqwall("", "run", "--rules",
                stage.resolve("rules.yaml").toString(), "--queue", String.valueOf(UNPRIVILEGED_QUEUE)));
        assertEquals(1, r.exitCode(), r.describe());
        assertEquals("", r.stdout(), r.describe());
        List<String> lines = r.stderr().lines().toList();
        assertEquals(1, lines.size(), r.describe());
        String line = lines.get(0);
        assertTrue(line.startsWith("nfqwall: could not bind to queue " + UNPRIVILEGED_QUEUE + ": "), line);
        assertTrue(line.endsWith("errno 1 (Operation not permitted)"), line);
    }

    @Test
    @Order(8)
    void sigtermStopsTheConfinedDaemonWithExitZero() {
        assertEquals(0, lab.stop(daemon), log());
        assertTrue(log().contains("nfqwall: stopped:"), log());
    }

    /** {@code cmd} in the unit's sandbox as {@code user} with {@code caps} (setpriv's form: "+net_admin", or "" for none). */
    private static String[] confined(String user, String caps, String... cmd) {
        return Stream.concat(Stream.of("sh", lab.tool("service_sandbox.sh").toString(), user, caps), Stream.of(cmd))
                .toArray(String[]::new);
    }

    /** The packaged jar's CLI with {@code args}, run by {@link #confined} as {@value #USER}. */
    private static String[] confinedNfqwall(String caps, String... args) {
        return confined(USER, caps, Stream.concat(Stream.of("java", "-jar", stage.resolve("nfqwall.jar").toString()),
                Stream.of(args)).toArray(String[]::new));
    }

    /**
     * A world-readable copy of the jar, rules/example.yaml and its lists under /var/tmp: the test user may not
     * be able to reach target/, and the sandbox gives the daemon a private, empty /tmp.
     */
    private static Path readableStage() throws IOException {
        Path dir = Files.createTempDirectory(Path.of("/var/tmp"), "nfqwall-least-privilege-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path base = Path.of(System.getProperty("nfqwall.basedir", "."));
        Files.copy(FirewallUnderTest.jar(), dir.resolve("nfqwall.jar"));
        Files.copy(base.resolve("rules/example.yaml"), dir.resolve("rules.yaml"));
        // The example's list files, at the same place relative to the rules file.
        Path lists = Files.createDirectory(dir.resolve("lists"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(lists, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> names = new java.util.ArrayList<>(List.of("nfqwall.jar", "rules.yaml"));
        try (var listFiles = Files.list(base.resolve("rules/lists"))) {
            for (Path f : listFiles.toList()) {
                Files.copy(f, lists.resolve(f.getFileName()));
                names.add("lists/" + f.getFileName());
            }
        }
        for (String name : names) {
            Files.setPosixFilePermissions(dir.resolve(name), PosixFilePermissions.fromString("rw-r--r--"));
        }
        return dir;
    }

    /** Deletes the test user (and its group) if it exists and this test made it; fails on a stranger's. */
    private static void removeTestUser() {
        ExecResult entry = run(T, "getent", "passwd", USER);
        if (!entry.ok()) {
            return;
        }
        String[] fields = entry.stdout().strip().split(":", -1);
        if (fields.length < 5 || !fields[4].equals(USER_COMMENT)) {
            throw new AssertionError("a user " + USER + " exists that this test did not create (" + entry.stdout().strip()
                    + "); remove or rename it to run LeastPrivilegeIT");
        }
        run(T, "userdel", USER).requireOk();
        if (run(T, "getent", "group", USER).ok()) {
            run(T, "groupdel", USER).requireOk();
        }
    }

    private static Map<String, String> status(long pid) {
        return read(Path.of("/proc", String.valueOf(pid), "status")).lines().filter(l -> l.contains(":"))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(':')), l -> l.substring(l.indexOf(':') + 1).strip(),
                        (a, b) -> a));
    }

    private static ExecResult curl(String path, int maxSeconds) {
        return lab.exec(Node.CLIENT, T, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time",
                String.valueOf(maxSeconds), "-H", "Host: www.example.com", "http://" + Lab.SERVER_V4 + path);
    }

    private static boolean received(String path) {
        return lab.receivedRequests(80).stream().map(ReceivedRequest::path).anyMatch(path::equals);
    }

    private static String log() {
        return log != null && Files.exists(log) ? read(log) : "";
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a command on the host (user management, id), bounded by {@code timeout}. */
    static ExecResult run(Duration timeout, String... cmd) {
        return HostCommand.run(timeout, null, cmd);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
