package org.nfqwall.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nfqwall.lab.ExecResult;

/**
 * scripts/install and scripts/uninstall run as root into a temporary root (--root), which holds a
 * minimal etc/passwd, group, shadow and gshadow, so the nfqwall user is created there and this
 * machine's users, /usr/local, /etc and systemd are never touched. Checks files, modes and owners,
 * that a second install changes nothing (and never an admin's rules), what uninstall removes and
 * keeps, and that the installed unit passes {@code systemd-analyze verify} without a word.
 */
class InstallScriptsIT {
    private static final Duration T = Duration.ofSeconds(120);
    private static final Path BASE = Path.of(System.getProperty("nfqwall.basedir", ".")).toAbsolutePath();
    private static final String JAR_PATH = "/usr/local/lib/nfqwall/nfqwall.jar";
    private static final String LAUNCHER_PATH = "/usr/local/bin/nfqwall";
    private static final String UNIT_PATH = "/etc/systemd/system/nfqwall.service";
    private static final String RULES_PATH = "/etc/nfqwall/rules.yaml";
    private static final String STATE_DIR = "/var/lib/nfqwall";

    private Path root;

    @BeforeEach
    void makeRoot() throws IOException {
        for (String tool : List.of("useradd", "groupadd", "userdel", "groupdel", "systemd-analyze")) {
            if (!HostCommand.run(T, null, "sh", "-c", "command -v " + tool).ok()) {
                throw new AssertionError(tool + " is missing: InstallScriptsIT needs the passwd package (useradd and"
                        + " friends) and systemd (systemd-analyze; it runs offline): apt-get install passwd systemd");
            }
        }
        String uid = HostCommand.run(T, null, "id", "-u").requireOk().stdout().strip();
        if (!uid.equals("0")) {
            throw new AssertionError("InstallScriptsIT runs the install scripts, which need root: run as root (sudo scripts/test)");
        }
        root = Files.createTempDirectory("nfqwall-install-root-");
        Path etc = Files.createDirectories(root.resolve("etc"));
        Files.writeString(etc.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        Files.writeString(etc.resolve("group"), "root:x:0:\n");
        Files.writeString(etc.resolve("shadow"), "root:*:19000:0:99999:7:::\n");
        Files.writeString(etc.resolve("gshadow"), "root:*::\n");
    }

    @AfterEach
    void removeRoot() throws IOException {
        deleteTree(root);
    }

    @Test
    void installPutsEveryFileInPlaceWithItsModeAndOwner() throws IOException {
        install().requireOk();
        assertFile(JAR_PATH, "rw-r--r--", 0);
        assertEquals(-1L, Files.mismatch(FirewallUnderTest.jar(), at(JAR_PATH)), "the installed jar is not target/nfqwall.jar");
        assertFile(LAUNCHER_PATH, "rwxr-xr-x", 0);
        assertFile(UNIT_PATH, "rw-r--r--", 0);
        assertEquals(Files.readString(BASE.resolve("scripts/nfqwall.service")), Files.readString(at(UNIT_PATH)));
        assertFile("/etc/nfqwall", "rwxr-xr-x", 0);
        assertFile(RULES_PATH, "rw-r--r--", 0);
        assertEquals(Files.readString(BASE.resolve("rules/example.yaml")), Files.readString(at(RULES_PATH)));

        String[] user = account("passwd");
        int uid = Integer.parseInt(user[2]);
        assertTrue(uid > 0 && uid < 1000, "not a system uid: " + String.join(":", user));
        assertEquals(STATE_DIR, user[5]);
        assertEquals("/usr/sbin/nologin", user[6]);
        String[] group = account("group");
        assertEquals(group[2], user[3], "the user's primary group is not the nfqwall group");
        assertFile(STATE_DIR, "rwxr-x---", uid);
        assertEquals(Integer.parseInt(group[2]), Files.getAttribute(at(STATE_DIR), "unix:gid"));
    }

    @Test
    void installAndUninstallNeverTouchTheMachineTheyRunOn() {
        String before = machineState();
        install().requireOk();
        assertEquals(before, machineState());
        uninstall("--purge").requireOk();
        assertEquals(before, machineState());
    }

    @Test
    void secondInstallChangesNothingAndKeepsTheAdminsRules() throws IOException {
        install().requireOk();
        String edited = "# the admin's own rules\ndefault: drop\nrules: []\n";
        Files.writeString(at(RULES_PATH), edited);
        Map<Path, FileTime> before = modificationTimes();
        String passwd = Files.readString(root.resolve("etc/passwd"));
        FirewallUnderTest.sleep(1100);

        ExecResult again = install().requireOk();
        assertEquals(edited, Files.readString(at(RULES_PATH)));
        assertTrue(again.stdout().contains("kept " + at(RULES_PATH)), again.describe());
        assertEquals(before, modificationTimes(), again.describe());
        assertEquals(passwd, Files.readString(root.resolve("etc/passwd")));
        assertFalse(again.stdout().contains("installed "), again.describe());
        assertFalse(again.stdout().contains("created "), again.describe());
    }

    @Test
    void installedUnitPassesSystemdAnalyzeVerify() throws IOException {
        install().requireOk();
        // verify also checks that ExecStart's program exists: point it at the launcher in the root.
        Path unit = root.resolve("verify/nfqwall.service");
        Files.createDirectories(unit.getParent());
        Files.writeString(unit, Files.readString(at(UNIT_PATH)).replace(LAUNCHER_PATH, at(LAUNCHER_PATH).toString()));
        ExecResult r = HostCommand.run(T, null, "systemd-analyze", "verify", unit.toString());
        assertEquals(0, r.exitCode(), r.describe());
        assertEquals("", r.stdout() + r.stderr(), "systemd-analyze warned: " + r.describe());
    }

    @Test
    void launcherRunsTheInstalledJarWithItsArguments() throws IOException {
        install().requireOk();
        Path fakeJava = root.resolve("fake-java");
        Files.writeString(fakeJava, "#!/bin/sh\nfor a in \"$@\"; do printf '[%s]' \"$a\"; done\n");
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
        ExecResult r = HostCommand.run(T, Map.of("NFQWALL_JAVA", fakeJava.toString()), at(LAUNCHER_PATH).toString(),
                "check", "a file with spaces.yaml").requireOk();
        assertEquals("[-jar][" + JAR_PATH + "][check][a file with spaces.yaml]", r.stdout());
        ExecResult version = HostCommand.run(T, null, "java", "-jar", at(JAR_PATH).toString(), "--version").requireOk();
        assertTrue(version.stdout().toLowerCase().contains("nfqwall"), version.describe());
    }

    @Test
    void prefixMovesTheJarAndLauncherAndTheUnitFollows() throws IOException {
        install("--prefix", "/opt/nfqwall").requireOk();
        assertTrue(Files.isRegularFile(at("/opt/nfqwall/lib/nfqwall/nfqwall.jar")));
        assertTrue(Files.isExecutable(at("/opt/nfqwall/bin/nfqwall")));
        assertTrue(Files.readString(at("/opt/nfqwall/bin/nfqwall")).contains("-jar /opt/nfqwall/lib/nfqwall/nfqwall.jar"));
        String unit = Files.readString(at(UNIT_PATH));
        assertTrue(unit.contains("\nExecStart=/opt/nfqwall/bin/nfqwall run "), unit);
        assertTrue(unit.contains("\nExecReload=/opt/nfqwall/bin/nfqwall reload "), unit);
        assertFalse(unit.contains(LAUNCHER_PATH), unit);
        assertFalse(Files.exists(at(LAUNCHER_PATH)));

        uninstall("--prefix", "/opt/nfqwall").requireOk();
        assertFalse(Files.exists(at("/opt/nfqwall/bin/nfqwall")));
        assertFalse(Files.exists(at("/opt/nfqwall/lib/nfqwall")));
    }

    @Test
    void uninstallRemovesWhatInstallPutAndKeepsRulesStateAndUser() {
        install().requireOk();
        ExecResult r = uninstall().requireOk();
        for (String gone : List.of(JAR_PATH, "/usr/local/lib/nfqwall", LAUNCHER_PATH, UNIT_PATH)) {
            assertFalse(Files.exists(at(gone)), gone + " is still there: " + r.describe());
        }
        assertTrue(Files.exists(at(RULES_PATH)), r.describe());
        assertTrue(Files.isDirectory(at(STATE_DIR)), r.describe());
        assertEquals("nfqwall", account("passwd")[0]);
        assertEquals(0, uninstall().exitCode(), "a second uninstall must succeed too");
    }

    @Test
    void purgeAlsoRemovesRulesStateUserAndGroup() throws IOException {
        install().requireOk();
        ExecResult r = uninstall("--purge").requireOk();
        assertFalse(Files.exists(at("/etc/nfqwall")), r.describe());
        assertFalse(Files.exists(at(STATE_DIR)), r.describe());
        assertFalse(Files.readString(root.resolve("etc/passwd")).contains("nfqwall"), r.describe());
        assertFalse(Files.readString(root.resolve("etc/group")).contains("nfqwall"), r.describe());
    }

    @Test
    void uninstallKeepsALauncherItDidNotWrite() throws IOException {
        install().requireOk();
        Files.writeString(at(LAUNCHER_PATH), "#!/bin/sh\necho the admin's own script\n");
        ExecResult r = uninstall().requireOk();
        assertTrue(Files.exists(at(LAUNCHER_PATH)), r.describe());
        assertTrue(r.stdout().contains("kept " + at(LAUNCHER_PATH)), r.describe());
    }

    @Test
    void rootWithoutPasswdLeavesTheUserToTheDeployment() throws IOException {
        Files.delete(root.resolve("etc/passwd"));
        ExecResult r = install().requireOk();
        assertTrue(r.stdout().contains("etc/passwd does not exist"), r.describe());
        assertFalse(Files.exists(root.resolve("etc/passwd")), r.describe());
        assertFile(STATE_DIR, "rwxr-x---", 0);
    }

    @Test
    void unknownArgumentIsAUsageError() {
        ExecResult r = HostCommand.run(T, null, script("install").toString(), "--root", root.toString(), "--bogus");
        assertEquals(2, r.exitCode(), r.describe());
        assertTrue(r.stderr().contains("unknown argument '--bogus'"), r.describe());
        assertEquals(2, HostCommand.run(T, null, script("uninstall").toString(), "--purgee").exitCode());
    }

    private ExecResult install(String... extra) {
        List<String> cmd = new ArrayList<>(List.of(script("install").toString(), "--root", root.toString(),
                "--jar", FirewallUnderTest.jar().toAbsolutePath().toString()));
        cmd.addAll(List.of(extra));
        return HostCommand.run(T, null, cmd.toArray(String[]::new));
    }

    private ExecResult uninstall(String... extra) {
        List<String> cmd = new ArrayList<>(List.of(script("uninstall").toString(), "--root", root.toString()));
        cmd.addAll(List.of(extra));
        return HostCommand.run(T, null, cmd.toArray(String[]::new));
    }

    /** What install would change on this machine without --root: its files and its nfqwall user. */
    private static String machineState() {
        StringBuilder out = new StringBuilder();
        for (String path : List.of(JAR_PATH, LAUNCHER_PATH, UNIT_PATH, RULES_PATH, STATE_DIR)) {
            out.append(path).append(Files.exists(Path.of(path)) ? " exists\n" : " absent\n");
        }
        out.append(HostCommand.run(T, null, "getent", "passwd", "nfqwall").stdout());
        out.append(HostCommand.run(T, null, "getent", "group", "nfqwall").stdout());
        return out.toString();
    }

    private static Path script(String name) {
        return BASE.resolve("scripts/" + name);
    }

    /** A path of the installed system, inside the temporary root. */
    private Path at(String absolute) {
        return root.resolve(absolute.substring(1));
    }

    /** The nfqwall entry of the root's etc/passwd or etc/group, split at ':'. */
    private String[] account(String file) {
        try {
            return Files.readAllLines(root.resolve("etc/" + file)).stream().filter(l -> l.startsWith("nfqwall:"))
                    .findFirst().orElseThrow(() -> new AssertionError("no nfqwall entry in etc/" + file)).split(":", -1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void assertFile(String path, String permissions, int uid) throws IOException {
        Path p = at(path);
        assertTrue(Files.exists(p, LinkOption.NOFOLLOW_LINKS), path + " was not installed");
        assertEquals(permissions, PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), path);
        assertEquals(uid, Files.getAttribute(p, "unix:uid"), path + " owner");
    }

    /** Every file and directory install wrote, with its modification time. */
    private Map<Path, FileTime> modificationTimes() throws IOException {
        Map<Path, FileTime> times = new LinkedHashMap<>();
        for (String dir : List.of("usr", "etc/nfqwall", "etc/systemd", "var")) {
            try (Stream<Path> all = Files.walk(root.resolve(dir))) {
                for (Path p : all.sorted().toList()) {
                    times.put(root.relativize(p), Files.getLastModifiedTime(p));
                }
            }
        }
        return times;
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
