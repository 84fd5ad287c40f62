package org.nfqwall.lab;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Checks that kernel-level tests can run here, and says exactly what is missing if not. */
final class KernelLabRequirements {
    /** Each tool the lab calls, and the Debian package that has it. */
    private static final Map<String, String> TOOLS = new LinkedHashMap<>();

    static {
        TOOLS.put("ip", "iproute2");
        TOOLS.put("iptables-legacy", "iptables");
        TOOLS.put("ip6tables-legacy", "iptables");
        TOOLS.put("python3", "python3");
        TOOLS.put("curl", "curl");
        TOOLS.put("ping", "iputils-ping");
        TOOLS.put("bash", "bash");
        TOOLS.put("openssl", "openssl");
        TOOLS.put("tcpdump", "tcpdump");
        TOOLS.put("ipset", "ipset");
        TOOLS.put("tc", "iproute2");
    }

    /** The lab's own tools under src/test/resources/lab. */
    private static final List<String> LAB_TOOLS = List.of("recording_server.py", "split_client.py",
            "tls_server.py", "tls_client.py", "udp_send.py", "udp_sink.py", "tcp_sink.py", "keepalive_client.py",
            "dns_server.py", "dns_query.py");

    private KernelLabRequirements() {
    }

    /** The repository root: system property nfqwall.basedir (set by failsafe), else the working directory. */
    static Path baseDir() {
        return Path.of(System.getProperty("nfqwall.basedir", System.getProperty("user.dir")))
                .toAbsolutePath();
    }

    static void check() {
        List<String> missing = new ArrayList<>();
        String uid = currentUid();
        if (!"0".equals(uid)) {
            missing.add("root privileges (running as uid " + uid + "; network namespaces and "
                    + "iptables need CAP_NET_ADMIN)");
        }
        for (Map.Entry<String, String> tool : TOOLS.entrySet()) {
            if (findOnPath(tool.getKey()) == null) {
                missing.add("'" + tool.getKey() + "' on the PATH (Debian package "
                        + tool.getValue() + "; scripts/setup installs it)");
            }
        }
        Path base = baseDir();
        List<String> files = Stream.concat(Stream.of("scripts/lab.sh"), LAB_TOOLS.stream()
                .map(tool -> "src/test/resources/lab/" + tool))
                .filter(file -> !Files.isRegularFile(base.resolve(file))).toList();
        if (!files.isEmpty()) {
            missing.add(String.join(", ", files) + " under " + base + " (run the tests from the "
                    + "repository root, or set -Dnfqwall.basedir)");
        }
        if (!missing.isEmpty()) {
            throw new AssertionError("kernel-level tests cannot run here; missing: "
                    + String.join("; ", missing) + ". Fix: run them as root with 'sudo scripts/test' "
                    + "(it runs scripts/setup first, which installs the tools).");
        }
    }

    private static String currentUid() {
        try {
            // /proc/self/status: "Uid:\treal\teffective\tsaved\tfs"; the effective uid decides.
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2];
                }
            }
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            return "unknown (" + e + ")";
        }
        return "unknown (no Uid line in /proc/self/status)";
    }

    static Path findOnPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
