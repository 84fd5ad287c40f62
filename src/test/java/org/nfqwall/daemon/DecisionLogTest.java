package org.nfqwall.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nfqwall.rules.Facts;
import org.nfqwall.rules.Protocol;
import org.nfqwall.rules.Verdict;

class DecisionLogTest {
    private static final Instant T = Instant.parse("2026-11-23T18:30:00.123Z");
    private static final Clock CLOCK = Clock.fixed(T, ZoneOffset.UTC);

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private DecisionLog stdoutLog(LogFormat format, boolean logAll, int rate) {
        return new DecisionLog(LogOutput.of(out), out, err, format, logAll, rate, CLOCK, nanos::get);
    }

    private List<String> lines() {
        String s = stdout.toString(StandardCharsets.UTF_8);
        return s.isEmpty() ? List.of() : List.of(s.split("\n"));
    }

    private static Facts blocked() {
        return DecisionFacts.http("www.example.com", "GET", "/APP2/x");
    }

    @Test
    void writesIpv4EndpointsAsDottedQuadAndPort() {
        Facts f = new Facts();
        f.l4Protocol = 6;
        f.setSourceIpv4(0x0A630102);
        f.setDestinationIpv4(0x0A630202);
        f.srcPort = 40000;
        f.dstPort = 80;
        f.applicationKnown = true;
        f.protocol = Protocol.HTTP;
        f.addHost("www.example.com");
        f.path = "/APP2/x";
        assertEquals("2026-11-23T18:30:00.123Z DROP tcp 10.99.1.2:40000 -> 10.99.2.2:80 proto=http"
                + " host=www.example.com path=/APP2/x rule=(default)",
                DecisionLog.format(T, f, null, Verdict.DROP, 0));
    }

    @Test
    void writesIpv6EndpointsInBracketsInRfc5952Form() {
        Facts f = new Facts();
        f.l4Protocol = 17;
        f.srcHi = 0xFD99_0001_0000_0000L;
        f.srcLo = 2;
        f.dstHi = 0x2001_0DB8_0000_0000L;
        f.dstLo = 0x0001_0000_0000_0001L;
        f.srcPort = 5353;
        f.dstPort = 53;
        assertEquals("2026-11-23T18:30:00.123Z REJECT udp [fd99:1::2]:5353 -> [2001:db8::1:0:0:1]:53 rule=(default)",
                DecisionLog.format(T, f, null, Verdict.REJECT, 0));
    }

    @Test
    void textLineEscapesWhatCouldForgeALineOrSplitAField() {
        Facts f = DecisionFacts.http("evil.example", "GET", "/a b\n2026-01-01T00:00:00Z ACCEPT\\\u007f\uD800");
        String line = DecisionLog.format(T, f, DecisionFacts.rule("app2"), Verdict.DROP, 0);
        assertTrue(line.endsWith(" path=/a\\x20b\\x0a2026-01-01T00:00:00Z\\x20ACCEPT\\x5c\\x7f\\ud800 rule=app2 line=4"), line);
    }

    @Test
    void textLineShowsMarkInHex() {
        String line = DecisionLog.format(T, DecisionFacts.http("video.example.org", "GET", "/m"),
                DecisionFacts.rule("video"), Verdict.MARK, 6);
        assertTrue(line.startsWith("2026-11-23T18:30:00.123Z MARK(0x6) tcp "), line);
    }

    @Test
    void textLineEndsWithTheSteeringOfARoutingMark() {
        String line = TextLine.decision(T, DecisionFacts.http("video.example.org", "GET", "/m"),
                DecisionFacts.rule("video"), Verdict.MARK, 0x10, org.nfqwall.engine.Steered.NEXT);
        assertTrue(line.startsWith("2026-11-23T18:30:00.123Z MARK(0x10) tcp "), line);
        assertTrue(line.endsWith(" rule=video line=7 steer=next"), line);
    }

    @Test
    void jsonIsTheLineShapeWhenAskedFor() {
        try (DecisionLog log = stdoutLog(LogFormat.JSON, false, 0)) {
            log.decided(blocked(), DecisionFacts.rule("app2"), Verdict.DROP, 0);
        }
        assertEquals(List.of(EveJson.decision(T, blocked(), DecisionFacts.rule("app2"), Verdict.DROP, 0)), lines());
    }

    @Test
    void defaultAcceptIsNotLoggedUnlessLogAll() {
        try (DecisionLog log = stdoutLog(LogFormat.JSON, false, 0)) {
            log.decided(blocked(), null, Verdict.ACCEPT, 0);
        }
        assertEquals(List.of(), lines());
        try (DecisionLog log = stdoutLog(LogFormat.JSON, true, 0)) {
            log.decided(blocked(), null, Verdict.ACCEPT, 0);
        }
        assertEquals(1, lines().size());
        assertTrue(lines().get(0).contains("\"action\":\"accept\",\"rule\":null"), lines().get(0));
    }

    @Test
    void acceptByARuleIsLogged() {
        try (DecisionLog log = stdoutLog(LogFormat.TEXT, false, 0)) {
            log.decided(blocked(), DecisionFacts.rule("app2"), Verdict.ACCEPT, 0);
        }
        assertEquals(1, lines().size());
    }

    @Test
    void rateLimitSuppressesBeyondTheBurstAndReportsWhenLoggingResumes() {
        try (DecisionLog log = stdoutLog(LogFormat.JSON, false, 3)) {
            for (int i = 0; i < 10; i++) {
                log.decided(blocked(), null, Verdict.DROP, 0);
            }
            assertEquals(7, log.suppressed());
            nanos.addAndGet(1_000_000_000L / 3 + 1);
            log.decided(blocked(), null, Verdict.DROP, 0);
            log.decided(blocked(), null, Verdict.DROP, 0);
            assertEquals(8, log.suppressed());
        }
        List<String> lines = lines();
        assertEquals(6, lines.size(), lines.toString());
        assertEquals(EveJson.suppressed(T, 7), lines.get(3));
        assertTrue(lines.get(4).contains("\"event_type\":\"nfqwall\""), lines.get(4));
        assertEquals(EveJson.suppressed(T, 1), lines.get(5), "the last one, at close");
    }

    @Test
    void rateRefillsAtTheRateAndHoldsAtMostOneSecond() {
        try (DecisionLog log = stdoutLog(LogFormat.TEXT, false, 100)) {
            nanos.addAndGet(60_000_000_000L); // a minute idle still allows only a one-second burst
            for (int i = 0; i < 150; i++) {
                log.decided(blocked(), null, Verdict.DROP, 0);
            }
            assertEquals(50, log.suppressed());
            nanos.addAndGet(100_000_000L); // 0.1 s: 10 more
            for (int i = 0; i < 20; i++) {
                log.decided(blocked(), null, Verdict.DROP, 0);
            }
            assertEquals(60, log.suppressed());
        }
    }

    @Test
    void pendingSummaryIsWrittenAtClose() {
        try (DecisionLog log = stdoutLog(LogFormat.TEXT, false, 1)) {
            log.decided(blocked(), null, Verdict.DROP, 0);
            log.decided(blocked(), null, Verdict.DROP, 0);
        }
        assertEquals(TextLine.suppressed(T, 1), lines().get(1));
    }

    @Test
    void rateZeroMeansNoLimit() {
        try (DecisionLog log = stdoutLog(LogFormat.TEXT, false, 0)) {
            for (int i = 0; i < 3000; i++) {
                log.decided(blocked(), null, Verdict.DROP, 0);
            }
            assertEquals(0, log.suppressed());
        }
        assertEquals(3000, lines().size());
    }

    @Test
    void neverBlocksWhenTheOutputIsStuck() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        PrintStream stuck = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, false, StandardCharsets.UTF_8);
        DecisionLog log = new DecisionLog(LogOutput.of(stuck), stuck, err, LogFormat.TEXT, false, 0, CLOCK, nanos::get);
        long start = System.nanoTime();
        int n = DecisionLog.QUEUE_LINES * 2;
        for (int i = 0; i < n; i++) {
            log.decided(blocked(), null, Verdict.DROP, 0);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 5000, "decided() blocked: " + millis + " ms");
        // The writer holds one line; the queue holds QUEUE_LINES; the rest is suppressed.
        assertTrue(log.suppressed() >= n - DecisionLog.QUEUE_LINES - 1, "suppressed " + log.suppressed());
        release.countDown();
        log.close();
    }

    @Test
    void messagesShareStdoutAsJsonWhenDecisionsAreJson() {
        try (DecisionLog log = stdoutLog(LogFormat.JSON, false, 0)) {
            log.info("nfqwall: queue 3, rules.yaml");
        }
        assertEquals(List.of(EveJson.message(T, "nfqwall: queue 3, rules.yaml")), lines());
    }

    @Test
    void fileGetsDecisionsWhileMessagesGoToStdoutAsText() throws IOException {
        Path file = dir.resolve("decisions.json");
        try (DecisionLog log = new DecisionLog(LogOutput.append(file), out, err, LogFormat.JSON, false, 0, CLOCK, nanos::get)) {
            log.info("nfqwall: queue 3");
            log.decided(blocked(), DecisionFacts.rule("app2"), Verdict.DROP, 0);
        }
        assertEquals(List.of(TextLine.message(T, "nfqwall: queue 3")), lines());
        assertEquals(List.of(EveJson.decision(T, blocked(), DecisionFacts.rule("app2"), Verdict.DROP, 0)),
                Files.readAllLines(file));
    }

    @Test
    void fileIsAppendedToNotTruncated() throws IOException {
        Path file = dir.resolve("decisions.json");
        Files.writeString(file, "earlier\n");
        try (DecisionLog log = new DecisionLog(LogOutput.append(file), out, err, LogFormat.TEXT, false, 0, CLOCK, nanos::get)) {
            log.decided(blocked(), null, Verdict.DROP, 0);
        }
        assertEquals(2, Files.readAllLines(file).size());
        assertEquals("earlier", Files.readAllLines(file).get(0));
    }

    @Test
    void reopenAfterRenameWritesToANewFileAtThePath() throws IOException {
        Path file = dir.resolve("decisions.json");
        Path rotated = dir.resolve("decisions.json.1");
        try (DecisionLog log = new DecisionLog(LogOutput.append(file), out, err, LogFormat.JSON, false, 0, CLOCK, nanos::get)) {
            log.decided(DecisionFacts.http("before.example", "GET", "/"), null, Verdict.DROP, 0);
            Files.move(file, rotated); // what logrotate does before it sends SIGHUP
            log.reopen();
            log.decided(DecisionFacts.http("after.example", "GET", "/"), null, Verdict.DROP, 0);
        }
        List<String> old = Files.readAllLines(rotated);
        List<String> fresh = Files.readAllLines(file);
        assertEquals(1, old.size(), old.toString());
        assertTrue(old.get(0).contains("before.example"), old.get(0));
        assertEquals(1, fresh.size(), fresh.toString());
        assertTrue(fresh.get(0).contains("after.example"), fresh.get(0));
        assertEquals("", stderr.toString(StandardCharsets.UTF_8));
    }

    @Test
    void reopenThatFailsKeepsWritingToTheOldFileAndSaysSo() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("logs"));
        Path file = sub.resolve("decisions.json");
        Path moved = dir.resolve("decisions.json.1");
        try (DecisionLog log = new DecisionLog(LogOutput.append(file), out, err, LogFormat.TEXT, false, 0, CLOCK, nanos::get)) {
            log.decided(blocked(), null, Verdict.DROP, 0);
            Files.move(file, moved);
            Files.delete(sub); // the path cannot be created again
            log.reopen();
            log.decided(blocked(), null, Verdict.DROP, 0);
        }
        assertEquals(2, Files.readAllLines(moved).size());
        assertTrue(stderr.toString(StandardCharsets.UTF_8).contains("cannot reopen the decision log " + file), stderr.toString());
    }

    @Test
    void reopenOnStdoutDoesNothing() {
        try (DecisionLog log = stdoutLog(LogFormat.TEXT, false, 0)) {
            log.reopen();
            log.decided(blocked(), null, Verdict.DROP, 0);
        }
        assertEquals(1, lines().size());
    }
}
