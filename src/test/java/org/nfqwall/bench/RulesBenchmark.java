package org.nfqwall.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.nfqwall.rules.Facts;
import org.nfqwall.rules.Protocol;
import org.nfqwall.rules.RuleLoadResult;
import org.nfqwall.rules.RuleSet;
import org.nfqwall.rules.RulesLoader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What a rule lookup costs as rule sets grow: ten rules against a block list of
 * {@value #BLOCKED_HOSTS} host patterns (in {@value #BLOCK_RULES} rules, every tenth a
 * {@code *.} wildcard) plus {@value #PATH_RULES} path rules, for hits and misses. Run by
 * {@code scripts/bench rules}, which adds JMH's GC profiler to show that a lookup allocates
 * nothing. {@link #main} measures loading and compiling the large set: wall time and retained heap.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RulesBenchmark {
    /** Host patterns in the large set: {@value}. */
    public static final int BLOCKED_HOSTS = 1_000_000;
    /** Rules the host patterns are split into: {@value}. */
    public static final int BLOCK_RULES = 4;
    /** Path rules in the large set: {@value}. */
    public static final int PATH_RULES = 10_000;

    private static final String TEN_RULES = """
            rules:
              - {name: app1, path: "/APP1*", verdict: accept}
              - {name: app2, host: "*.example.com", path: "/APP2*", verdict: drop}
              - {name: ads, host: ads.example.net, verdict: reject}
              - {name: video, host: video.example.org, method: [GET, HEAD], verdict: drop}
              - {name: blocked-site, host: blocked.example.org, verdict: drop}
              - {name: lan-only, dst: [10.99.3.0/24, "fd99:3::/64"], dport: [22, 3389], verdict: reject}
              - {name: dot, alpn: dot, verdict: reject}
              - {name: quic, protocol: quic, verdict: drop}
              - {name: no-sni, tls: {sni: none}, verdict: drop}
              - {name: api, path: "/api/v1/*", method: POST, verdict: drop}
            """;

    /** The ten rules with a host_regex rule in front: what a regex costs (RE2/J allocates per check). */
    private static final String REGEX_RULES = TEN_RULES.replace("rules:\n",
            "rules:\n  - {name: ad-servers, host_regex: \"ads?[0-9]*\\\\.(tracker|metrics)\\\\..*\", verdict: drop}\n");

    /**
     * Writes the large rules set as an admin keeps it: a rules file with the path rules first
     * (exceptions before the block list) and block rules whose hosts come from list files
     * ({@code host_file:}), one entry a line. Returns the rules file.
     */
    public static Path writeLargeRules() {
        try {
            Path dir = Files.createTempDirectory("nfqwall-bench");
            dir.toFile().deleteOnExit();
            StringBuilder yaml = new StringBuilder(64 * PATH_RULES);
            yaml.append("rules:\n");
            for (int i = 0; i < PATH_RULES; i++) {
                yaml.append("  - {name: app").append(i).append(", path: \"/app").append(i).append("/*\", verdict: reject}\n");
            }
            int perRule = BLOCKED_HOSTS / BLOCK_RULES;
            for (int r = 0; r < BLOCK_RULES; r++) {
                Path list = dir.resolve("block" + r + ".txt");
                try (BufferedWriter out = Files.newBufferedWriter(list)) {
                    out.write("# generated block list " + r + "\n");
                    for (int i = r * perRule; i < (r + 1) * perRule; i++) {
                        out.write(i % 10 == 0 ? "*.w" + i + ".blocked.example\n" : "h" + i + ".blocked.example\n");
                    }
                }
                list.toFile().deleteOnExit();
                yaml.append("  - {name: block").append(r).append(", host_file: block").append(r).append(".txt, verdict: drop}\n");
            }
            Path rules = dir.resolve("rules.yaml");
            Files.writeString(rules, yaml);
            rules.toFile().deleteOnExit();
            return rules;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RuleSet load(Path file) {
        RuleLoadResult r = RulesLoader.load(file);
        if (!r.ok()) {
            throw new IllegalStateException(r.errors().toString());
        }
        return r.ruleSet();
    }

    static RuleSet load(String yaml) {
        RuleLoadResult r = RulesLoader.parse("bench.yaml", yaml);
        if (r.ruleSet() == null) {
            throw new IllegalStateException(r.errors().toString());
        }
        return r.ruleSet();
    }

    static Facts request(String host, String path) {
        Facts f = new Facts();
        f.ipVersion = 4;
        f.l4Protocol = 6;
        f.setSourceIpv4(0x0A630102);
        f.setDestinationIpv4(0x0A630202);
        f.srcPort = 40000;
        f.dstPort = 80;
        f.applicationKnown = true;
        f.protocol = Protocol.HTTP;
        f.method = "GET";
        f.path = path;
        f.addHost(host);
        return f;
    }

    /** Ten rules like the example file's. */
    @State(Scope.Benchmark)
    public static class Small {
        RuleSet rules;
        RuleSet withRegex;
        Facts hit;
        Facts miss;
        Facts regexHit;

        @Setup(Level.Trial)
        public void setUp() {
            rules = load(TEN_RULES);
            withRegex = load(REGEX_RULES);
            regexHit = request("ads12.tracker.example.net", "/index.html");
            hit = request("www.example.org", "/api/v1/users");
            hit.method = "POST";
            miss = request("www.example.org", "/index.html");
        }
    }

    /** One million host patterns and ten thousand path rules. */
    @State(Scope.Benchmark)
    public static class Large {
        RuleSet rules;
        Facts exactHit;
        Facts wildcardHit;
        Facts pathHit;
        Facts miss;

        @Setup(Level.Trial)
        public void setUp() {
            rules = load(writeLargeRules());
            exactHit = request("h987651.blocked.example", "/index.html");
            wildcardHit = request("cdn.img.w500000.blocked.example", "/index.html");
            pathHit = request("www.example.org", "/app9999/static/site.js");
            miss = request("www.example.org", "/nothing/here/index.html");
        }
    }

    @Benchmark
    public int tenRulesHit(Small s) {
        return s.rules.match(s.hit);
    }

    @Benchmark
    public int tenRulesMiss(Small s) {
        return s.rules.match(s.miss);
    }

    @Benchmark
    public int tenRulesBeforeInspection(Small s) {
        return s.rules.matchBeforeInspection(s.miss);
    }

    @Benchmark
    public int regexRuleHit(Small s) {
        return s.withRegex.match(s.regexHit);
    }

    @Benchmark
    public int regexRuleMiss(Small s) {
        return s.withRegex.match(s.miss);
    }

    @Benchmark
    public int millionHostsExactHit(Large s) {
        return s.rules.match(s.exactHit);
    }

    @Benchmark
    public int millionHostsWildcardHit(Large s) {
        return s.rules.match(s.wildcardHit);
    }

    @Benchmark
    public int millionHostsPathHit(Large s) {
        return s.rules.match(s.pathHit);
    }

    @Benchmark
    public int millionHostsMiss(Large s) {
        return s.rules.match(s.miss);
    }

    @Benchmark
    public int millionHostsBeforeInspection(Large s) {
        return s.rules.matchBeforeInspection(s.miss);
    }

    /**
     * Loads and compiles the large set {@code runs} times (default 3; the first includes class
     * loading and JIT warm-up) and prints, per run, the wall time of {@link RulesLoader#load},
     * and the heap the loaded set retains (used heap after a full GC, minus before).
     */
    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path file = writeLargeRules();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int run = 1; run <= runs; run++) {
            long before = usedAfterGc(memory);
            long t0 = System.nanoTime();
            RuleSet rules = load(file);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            long retained = usedAfterGc(memory) - before;
            System.out.printf("load run %d: %d rules, %d host patterns: %d ms, retained heap %d MB%n", run,
                    rules.size(), countHosts(rules), ms, retained / (1024 * 1024));
        }
    }

    private static long countHosts(RuleSet rules) {
        long n = 0;
        for (int i = 0; i < rules.size(); i++) {
            List<String> hosts = rules.rule(i).hostPatterns();
            n += hosts.size();
        }
        return n;
    }

    private static long usedAfterGc(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
