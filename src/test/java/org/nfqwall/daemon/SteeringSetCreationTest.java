package org.nfqwall.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nfqwall.rules.RuleSet;
import org.nfqwall.rules.RulesLoader;

/** The daemon creates the steering sets of the rules in force: {@link KernelBlocks#createSteeringSets} and the reload hook. */
class SteeringSetCreationTest {
    private static final String STEERING = """
            marks:
              vpn: {value: 0x10, table: 100, steer: {timeout: 10m, max: 500}}
              plain: 0x30
            rules:
              - name: a
                host: a.test
                verdict: {mark: vpn}
            """;

    @TempDir
    Path dir;

    @Test
    void createsBothFamiliesOfEachSteeringMarkAndReportsFailures() throws IOException {
        List<String> ran = new ArrayList<>();
        KernelBlocks kernel = new KernelBlocks(cmd -> {
            ran.add(String.join(" ", cmd));
            return cmd.contains("inet6") ? "ipset create ...: exit 1: Kernel error" : null;
        });
        Path file = write(STEERING);
        RuleSet rs = RulesLoader.load(file).ruleSet();
        List<String> errors = kernel.createSteeringSets(rs);
        assertEquals(List.of("ipset create nfqwall-mark-0x10 hash:ip family inet timeout 600 maxelem 500 -exist",
                "ipset create nfqwall-mark6-0x10 hash:ip family inet6 timeout 600 maxelem 500 -exist"), ran);
        assertEquals(List.of("ipset create ...: exit 1: Kernel error"), errors);
    }

    @Test
    void aReloadRunsTheHookWithTheNewRulesBeforeTheSwapAndNeverForDryRunsOrErrors() throws IOException {
        Path file = write(STEERING);
        AtomicReference<RuleSet> rules = new AtomicReference<>(RulesLoader.load(file).ruleSet());
        List<RuleSet> seen = new ArrayList<>();
        RuleReloader reloader = new RuleReloader(rules, file).beforeSwap(rs -> {
            assertTrue(rules.get() != rs, "called before the swap");
            seen.add(rs);
        });
        reloader.reload(null, true);
        assertEquals(0, seen.size(), "a dry run creates nothing");
        RuleReloader.Outcome o = reloader.reload(null, false);
        assertEquals(1, seen.size());
        assertSame(o.ruleSet(), seen.get(0));
        reloader.reload(write("rules: [oops"), false);
        assertEquals(1, seen.size(), "a file with errors creates nothing");
    }

    private Path write(String yaml) throws IOException {
        Path f = Files.createTempFile(dir, "rules", ".yaml");
        Files.writeString(f, yaml);
        return f;
    }
}
