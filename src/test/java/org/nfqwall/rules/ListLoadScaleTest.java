package org.nfqwall.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads a generated list of a million lines and prints how long it took and how much heap the
 * rule set keeps. Prints, does not assert the numbers: they depend on the machine. Target: well
 * under 3 s and about 200 MB for a million host lines.
 */
class ListLoadScaleTest {
    private static final int LINES = 1_000_000;

    @TempDir
    Path dir;

    @Test
    void loadsAMillionHostsFileLines() throws IOException {
        measure("hosts-file lines", i -> "0.0.0.0 host" + i + ".ads" + (i % 1000) + ".example", LINES);
    }

    @Test
    void loadsAMillionAdBlockDomainLines() throws IOException {
        // Each line gives two patterns: the domain and *.domain.
        measure("AdBlock ||domain^ lines", i -> "||host" + i + ".ads" + (i % 1000) + ".example^", 2 * LINES);
    }

    private void measure(String what, IntFunction<String> line, int patterns) throws IOException {
        Path list = dir.resolve("big.txt");
        try (BufferedWriter w = Files.newBufferedWriter(list)) {
            w.write("# generated\n");
            for (int i = 0; i < LINES; i++) {
                w.write(line.apply(i));
                w.write('\n');
            }
        }
        String yaml = "rules:\n  - {name: big, host_file: big.txt, verdict: drop}\n";
        RulesLoader.parse("warm.yaml", "rules:\n  - {name: w, host: a.example, verdict: drop}\n", dir);
        long before = usedHeap();
        long start = System.nanoTime();
        RuleLoadResult r = RulesLoader.parse("big.yaml", yaml, dir);
        long millis = (System.nanoTime() - start) / 1_000_000;
        long retained = usedHeap() - before;
        assertEquals(List.of(), r.errors());
        assertEquals(patterns, r.ruleSet().rule(0).hostPatterns().size());
        System.out.printf("ListLoadScaleTest: %,d %s (%,d bytes): loaded in %,d ms, rule set retains about %,d MB"
                + " of heap%n", LINES, what, Files.size(list), millis, retained / (1024 * 1024));
        Reference.reachabilityFence(r);
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
