package org.nfqwall.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Proves that matching allocates nothing per call, as the per-packet path requires. */
class RuleSetAllocationTest {
    private static final int CALLS = 100_000;
    /** Bytes tolerated over the whole run (measurement noise such as a lazily created MXBean). */
    private static final long SLACK_BYTES = 4096;
    /** Host patterns in the large rule set: {@value}. */
    private static final int BIG_HOSTS = 100_000;

    private static long allocatedBytes() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        return mx.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    /** HTTP rules like the example file's, then rules that use every ClientHello key. */
    private static RuleSet httpAndClientHelloRules() {
        return RuleSetMatchTest.load("""
                rules:
                  - {name: app1, path: "/APP1*", verdict: accept}
                  - {name: app2, host: "*.example.com", path: "/APP2*", verdict: drop}
                  - {name: ads, host: ads.example.net, verdict: reject}
                  - {name: video, host: video.example.org, method: [GET, HEAD], verdict: drop}
                  - {name: h2-with-ech, alpn: [h2, h3], tls: {ech: true}, verdict: drop}
                  - {name: ech-less-acme, alpn: acme-tls/1, tls: {sni: present, ech: false}, verdict: reject}
                  - {name: quic, protocol: quic, verdict: drop}
                  - {name: no-sni, tls: {sni: none}, verdict: drop}
                """);
    }

    private static void assertAllocatesNothing(RuleSet rs, Facts[] inputs, int[] expectedMatch) {
        int n = inputs.length;
        long expected = 0;
        for (int i = 0; i < n; i++) {
            assertEquals(expectedMatch[i], rs.match(inputs[i]), "input " + i);
            assertEquals(RuleSet.NEEDS_INSPECTION, rs.matchBeforeInspection(inputs[i]), "input " + i);
            expected += expectedMatch[i] + RuleSet.NEEDS_INSPECTION;
        }
        long sink = 0;
        // Warm up so the JIT, not the interpreter, is measured, and so lazy class init is done.
        for (int i = 0; i < CALLS; i++) {
            Facts f = inputs[i % n];
            sink += rs.match(f) + rs.matchBeforeInspection(f);
        }
        allocatedBytes();
        long before = allocatedBytes();
        for (int i = 0; i < CALLS; i++) {
            Facts f = inputs[i % n];
            sink += rs.match(f) + rs.matchBeforeInspection(f);
        }
        long allocated = allocatedBytes() - before;
        assertTrue(allocated <= SLACK_BYTES, allocated + " bytes allocated over " + CALLS + " calls");
        assertEquals(2 * (long) CALLS / n * expected, sink);
    }

    @Test
    void matchAndMatchBeforeInspectionAllocateNothing() {
        Facts[] inputs = {
            RuleSetMatchTest.request("GET", "/APP2/deep/path/file.js", "www.example.com"),
            RuleSetMatchTest.request("HEAD", "/video/1.mp4", "video.example.org", "other.example.org"),
            RuleSetMatchTest.request("POST", "/nothing/matches/here", "nowhere.example.net"),
            RuleSetMatchTest.flow("fd99:1::2", "fd99:2::2", 40000, 80),
        };
        // app2, video, none, none; beforeInspection: NEEDS_INSPECTION for all.
        assertAllocatesNothing(RuleSetMatchTest.example(), inputs, new int[] {1, 3, -1, -1});
    }

    @Test
    void greKeyRulesAllocateNothing() {
        RuleSet rs = RuleSetMatchTest.load("""
                rules:
                  - {name: k22, gre_key: 22, host: blocked.example.org, verdict: drop}
                  - {name: branches, gre_key: [0x100-0x1ff, 7], path: "/x*", verdict: drop}
                  - {name: last, host: "*.example.org", verdict: accept}
                """);
        Facts k22 = RuleSetMatchTest.request("GET", "/", "blocked.example.org");
        Facts k300 = RuleSetMatchTest.request("GET", "/x/1", "a.example.net");
        Facts plain = RuleSetMatchTest.request("GET", "/x/1", "blocked.example.org");
        Facts keyless = RuleSetMatchTest.request("GET", "/x/1", "a.example.net");
        for (Facts f : new Facts[] {k22, k300, keyless}) {
            f.tunnelled = true;
        }
        k22.greKeyPresent = true;
        k22.greKey = 22;
        k300.greKeyPresent = true;
        k300.greKey = 300;
        assertAllocatesNothing(rs, new Facts[] {k22, k300, plain, keyless}, new int[] {0, 1, 2, -1});
    }

    /**
     * A block list of {@value #BIG_HOSTS} names and wildcards, 1,000 path rules and a rule with
     * 10,000 destination prefixes: matching is indexed and still allocates nothing.
     */
    @Test
    void aHundredThousandHostRuleSetAllocatesNothing() {
        StringBuilder yaml = new StringBuilder("rules:\n  - name: blocklist\n    host:\n");
        for (int i = 0; i < BIG_HOSTS; i++) {
            yaml.append(i % 10 == 0 ? "      - \"*.w" : "      - h").append(i).append(".blocked.example")
                    .append(i % 10 == 0 ? "\"\n" : "\n");
        }
        yaml.append("    verdict: drop\n");
        for (int i = 0; i < 1000; i++) {
            yaml.append("  - {name: p").append(i).append(", path: \"/app").append(i).append("/*\", verdict: reject}\n");
        }
        yaml.append("  - name: nets\n    dst:\n");
        for (int i = 0; i < 10_000; i++) {
            yaml.append("      - 10.").append(i / 100).append('.').append(i % 100).append(".0/24\n");
        }
        yaml.append("    verdict: drop\n");
        RuleSet rs = RuleSetMatchTest.load(yaml.toString());
        Facts[] inputs = {
            RuleSetMatchTest.request("GET", "/", "h99999.blocked.example"),
            RuleSetMatchTest.request("GET", "/", "a.b.w99990.blocked.example"),
            RuleSetMatchTest.request("GET", "/app999/x", "w99990.blocked.example"),
            RuleSetMatchTest.request("GET", "/nothing", "nowhere.example.net"),
            RuleSetMatchTest.flow("fd99:1::2", "fd99:2::2", 40000, 80),
        };
        ReferenceMatcher reference = new ReferenceMatcher(rs);
        int[] expected = new int[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            expected[i] = reference.match(inputs[i]);
        }
        // blocklist (exact), blocklist (wildcard), p999, the 10.99.2.2 server is in nets, none.
        assertEquals(List.of(0, 0, 1000, 1001, -1), Arrays.stream(expected).boxed().toList());
        assertAllocatesNothing(rs, inputs, expected);
    }

    @Test
    void clientHelloKeysAllocateNothing() {
        Facts ech = RuleSetMatchTest.hello(Protocol.TLS, "public.example.net", "http/1.1", "h2");
        ech.ech = true;
        Facts[] inputs = {
            ech,
            RuleSetMatchTest.hello(Protocol.TLS, "acme.example.net", "acme-tls/1"),
            RuleSetMatchTest.hello(Protocol.TLS, "www.example.com", "h2", "http/1.1", "spdy/3", "x", "y", "z", "w",
                    "v"),
            RuleSetMatchTest.hello(Protocol.QUIC, "nowhere.example.net", "h3"),
            RuleSetMatchTest.hello(Protocol.TLS, null, "http/1.1"),
            RuleSetMatchTest.hello(Protocol.TLS, "nowhere.example.net", "http/1.1"),
            RuleSetMatchTest.request("GET", "/x", "nowhere.example.net"),
            RuleSetMatchTest.flow("fd99:1::2", "fd99:2::2", 40000, 443),
        };
        // h2-with-ech, ech-less-acme, none (www.example.com has no path), quic, no-sni, none, none, none.
        assertAllocatesNothing(httpAndClientHelloRules(), inputs, new int[] {4, 5, -1, 6, 7, -1, -1, -1});
    }
}
