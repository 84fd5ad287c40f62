package org.nfqwall.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * scripts/nfqwall.service read as systemd reads it (sections, {@code Key=Value} lines, comments on
 * lines of their own): the least-privilege settings are all there with the intended values, each
 * once and each explained by a comment right above it. {@code InstallScriptsIT} also runs
 * {@code systemd-analyze verify} on the installed unit.
 */
class ServiceUnitFileTest {
    private static final Path UNIT = Path.of(System.getProperty("nfqwall.basedir", ".")).resolve("scripts/nfqwall.service");

    /** Section name to its settings, in file order; a key given twice keeps every value. */
    private static final Map<String, Map<String, List<String>>> SECTIONS = new LinkedHashMap<>();
    private static List<String> lines;

    @BeforeAll
    static void parse() throws IOException {
        lines = Files.readAllLines(UNIT);
        String section = null;
        for (String line : lines) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#") || t.startsWith(";")) {
                continue;
            }
            if (t.startsWith("[") && t.endsWith("]")) {
                section = t.substring(1, t.length() - 1);
                SECTIONS.putIfAbsent(section, new LinkedHashMap<>());
                continue;
            }
            int eq = t.indexOf('=');
            assertTrue(section != null && eq > 0, "not a Key=Value line in a section: " + line);
            SECTIONS.get(section).computeIfAbsent(t.substring(0, eq).strip(), k -> new ArrayList<>())
                    .add(t.substring(eq + 1).strip());
        }
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "User|nfqwall",
        "Group|nfqwall",
        "AmbientCapabilities|CAP_NET_ADMIN",
        "CapabilityBoundingSet|CAP_NET_ADMIN",
        "NoNewPrivileges|yes",
        "ProtectSystem|strict",
        "ProtectHome|yes",
        "PrivateTmp|yes",
        "PrivateDevices|yes",
        "ProtectKernelTunables|yes",
        "ProtectControlGroups|yes",
        "RestrictAddressFamilies|AF_UNIX AF_NETLINK AF_INET AF_INET6",
        "RuntimeDirectory|nfqwall",
        "RuntimeDirectoryMode|0750",
        "StateDirectory|nfqwall",
        "ExecStart|/usr/local/bin/nfqwall run --rules /etc/nfqwall/rules.yaml --queue 0 --control /run/nfqwall/control.sock",
        "ExecReload|/usr/local/bin/nfqwall reload --control /run/nfqwall/control.sock",
        "Restart|on-failure",
    })
    void serviceSectionSetsExactlyOnce(String key, String value) {
        assertEquals(List.of(value), SECTIONS.get("Service").get(key), key);
    }

    @Test
    void sectionsAreUnitServiceAndInstall() {
        assertEquals(List.of("Unit", "Service", "Install"), List.copyOf(SECTIONS.keySet()));
        assertEquals(List.of("multi-user.target"), SECTIONS.get("Install").get("WantedBy"));
    }

    @Test
    void everySettingHasACommentRightAboveIt() {
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).strip();
            boolean setting = !t.isEmpty() && !t.startsWith("#") && !t.startsWith("[") && t.contains("=");
            if (setting && !t.startsWith("Description=")) {
                assertTrue(i > 0 && lines.get(i - 1).strip().startsWith("#"),
                        UNIT + ":" + (i + 1) + ": " + t + " has no comment above it saying why");
            }
        }
    }

    @Test
    void noCommentTrailsASetting() {
        // systemd would read "yes # why" as the value "yes # why".
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).strip();
            if (!t.startsWith("#") && t.contains("=")) {
                assertTrue(!t.contains(" #") && !t.contains("\t#"), UNIT + ":" + (i + 1) + ": a comment after a setting");
            }
        }
    }
}
