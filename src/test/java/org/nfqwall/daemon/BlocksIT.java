package org.nfqwall.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.nfqwall.cli.Main;
import org.nfqwall.gen.IptablesRuleset;
import org.nfqwall.lab.ExecResult;
import org.nfqwall.lab.Lab;
import org.nfqwall.lab.Node;
import org.nfqwall.lab.TlsResult;

/**
 * Timed blocks through the kernel: the generated ruleset with {@code --blocks}, the daemon in the
 * firewall namespace, and from the client an HTTP keep-alive connection and an offloaded TLS
 * connection that stay open across a {@code nfqwall block} (the CLI runs in the test JVM and
 * reaches the daemon through its control socket).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BlocksIT {
    private static final Duration T = Duration.ofSeconds(20);
    private static final int QUEUE = 7;
    private static Lab lab;
    private static FirewallUnderTest firewall;
    private static Path rules;
    private static Path control;
    private static Path state;

    /**
     * Keeps one HTTP keep-alive connection (Host other.example) and one TLS connection (SNI
     * www.example.com) open; for each trigger file go-N it sends one request on each and writes
     * out-N: "http=OK tls=FAIL" and so on. A connection that failed once stays failed.
     */
    private static final String CLIENT = String.join("\n",
            "import http.client, socket, ssl, sys, os, time",
            "d, ip = sys.argv[1], sys.argv[2]",
            "ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE",
            "h = http.client.HTTPConnection(ip, 80, timeout=1.5)",
            "t = http.client.HTTPConnection(ip, 443, timeout=1.5)",
            "t.sock = ctx.wrap_socket(socket.create_connection((ip, 443), timeout=3), server_hostname='www.example.com')",
            "t.sock.settimeout(1.5)",
            "alive = {'http': h, 'tls': t}",
            "def ask(name, host):",
            "    c = alive.get(name)",
            "    if c is None: return 'FAIL'",
            "    try:",
            "        c.request('GET', '/keep', headers={'Host': host}); r = c.getresponse(); r.read()",
            "        if c.sock is None: raise IOError('closed')",
            "        return 'OK' if r.status == 200 else 'FAIL'",
            "    except Exception:",
            "        alive[name] = None",
            "        return 'FAIL'",
            "for i in range(40):",
            "    go = os.path.join(d, 'go-%d' % i)",
            "    end = time.time() + 60",
            "    while not os.path.exists(go) and time.time() < end: time.sleep(0.05)",
            "    if not os.path.exists(go): break",
            "    line = 'http=%s tls=%s' % (ask('http', 'other.example'), ask('tls', 'www.example.com'))",
            "    with open(os.path.join(d, 'out-%d.tmp' % i), 'w') as f: f.write(line)",
            "    os.rename(os.path.join(d, 'out-%d.tmp' % i), os.path.join(d, 'out-%d' % i))",
            "");

    @BeforeAll
    static void startFirewall() throws IOException {
        lab = Lab.create();
        lab.startRecordingServer(80);
        lab.startTlsServer(443);
        for (List<String> create : IptablesRuleset.ipsetCreateCommands()) {
            lab.execOk(Node.FW, T, create.toArray(String[]::new));
        }
        firewall = new FirewallUnderTest(lab, QUEUE);
        firewall.applyRuleset("--ports", "80,443", "--blocks");
        // Every flow is inspected (a host rule), so TLS flows are decided on their SNI and offloaded.
        rules = lab.workDir().resolve("blocks-rules.yaml");
        Files.writeString(rules, "default: accept\nrules:\n  - name: never\n    host: never.example\n    verdict: drop\n");
        control = lab.workDir().resolve("control.sock");
        state = lab.workDir().resolve("state");
        startDaemon();
    }

    private static void startDaemon() {
        firewall.start(rules, "--control", control.toString(), "--state-dir", state.toString(), "--log-format", "text");
    }

    @AfterAll
    static void stopFirewall() {
        if (lab != null) {
            lab.close();
        }
    }

    /** Runs the CLI in this JVM against the daemon's socket; returns exit code and output. */
    private static String[] cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--control", control.toString()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out), new PrintWriter(err), all.toArray(String[]::new));
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    private static void cliOk(String... args) {
        String[] r = cli(args);
        assertEquals("0", r[0], String.join(" ", args) + ": " + r[1] + r[2] + "\n" + firewall.log());
    }

    /** A persistent client; {@link #round} asks on both of its connections. */
    private static final class Persistent {
        private final Path dir;
        private int next;

        Persistent(String name) {
            dir = lab.workDir().resolve(name);
            try {
                Files.createDirectories(dir);
                Files.writeString(dir.resolve("client.py"), CLIENT);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            lab.start(Node.CLIENT, dir.resolve("client.log"), "python3", dir.resolve("client.py").toString(),
                    dir.toString(), Lab.SERVER_V4);
        }

        String round() {
            int i = next++;
            try {
                Files.writeString(dir.resolve("go-" + i), "");
                Path out = dir.resolve("out-" + i);
                long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
                while (!Files.exists(out)) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("the client did not answer round " + i + ": "
                                + Files.readString(dir.resolve("client.log")));
                    }
                    FirewallUnderTest.sleep(50);
                }
                return Files.readString(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static ExecResult curl(String url, int maxSeconds) {
        return lab.exec(Node.CLIENT, T, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time",
                String.valueOf(maxSeconds), url);
    }

    private static TlsResult https(String sni) {
        return lab.tlsClient(Lab.SERVER_V4, 443).sni(sni).timeout(Duration.ofSeconds(2)).run();
    }

    @Test
    @Order(1)
    void sourceBlockCutsKeepAliveAndOffloadedTlsAndNewFlowsThenExpires() {
        Persistent client = new Persistent("src-block");
        assertEquals("http=OK tls=OK", client.round(), firewall.log());
        cliOk("block", "--src", Lab.CLIENT_V4, "--for", "6s", "--reason", "test");
        long blockedAt = System.nanoTime();
        FirewallUnderTest.sleep(1000);
        assertNotEquals("200", curl("http://" + Lab.SERVER_V4 + "/new", 1).stdout());
        assertEquals("http=FAIL tls=FAIL", client.round());
        String[] list = cli("blocks");
        assertTrue(list[1].contains("src " + Lab.CLIENT_V4 + "/32") && list[1].contains("(test)"), list[1]);
        assertTrue(cli("blocks", "--json")[1].contains("\"where\":\"kernel\""));
        // The kernel expires the set entry by itself: traffic flows again after 6 s.
        long waitMs = 6500 - (System.nanoTime() - blockedAt) / 1_000_000;
        FirewallUnderTest.sleep(Math.max(0, waitMs));
        assertEquals("200", curl("http://" + Lab.SERVER_V4 + "/after", 3).stdout());
        assertTrue(cli("blocks")[1].contains("no timed blocks"));
    }

    @Test
    @Order(2)
    void hostBlockCutsOffloadedTlsByItsSniAndNewHttpsButNotOtherHosts() {
        Persistent client = new Persistent("host-block");
        assertEquals("http=OK tls=OK", client.round(), firewall.log());
        assertTrue(https("www.example.com").handshakeOk());
        cliOk("block", "--host", "*.example.com", "--for", "30s");
        FirewallUnderTest.sleep(1000);
        // The keep-alive connection asks for other.example... which *.example.com covers too.
        String r = client.round();
        assertTrue(r.endsWith("tls=FAIL"), r + "\n" + firewall.log());
        assertTrue(firewall.log().contains("cut " + Lab.CLIENT_V4), firewall.log());
        assertFalse(https("www.example.com").handshakeOk(), "a new HTTPS request for the blocked SNI");
        assertTrue(https("www.other.org").handshakeOk(), "another SNI passes");
        assertTrue(firewall.log().contains("rule=block:"), firewall.log());
        cliOk("unblock", "--host", "*.example.com");
        assertTrue(https("www.example.com").handshakeOk(), "unblocked");
    }

    @Test
    @Order(3)
    void aTimedBlockSurvivesARestartAndAnExpiredOneIsGone() {
        cliOk("block", "--src", Lab.CLIENT_V4, "--for", "60s");
        cliOk("block", "--host", "short.example", "--for", "2s");
        firewall.stop();
        // Take the kernel entry away while the daemon is down: the restarted daemon must put it back.
        lab.execOk(Node.FW, T, "ipset", "flush", "nfqwall-src");
        FirewallUnderTest.sleep(2500);
        startDaemon();
        String list = cli("blocks")[1];
        assertTrue(list.contains("src " + Lab.CLIENT_V4), list);
        assertFalse(list.contains("short.example"), list);
        assertNotEquals("200", curl("http://" + Lab.SERVER_V4 + "/restarted", 1).stdout());
        String[] un = cli("unblock", "1");
        assertTrue(un[0].equals("0") || cli("unblock", "--src", Lab.CLIENT_V4)[0].equals("0"), un[1] + un[2]);
        assertEquals("200", curl("http://" + Lab.SERVER_V4 + "/unblocked", 3).stdout());
    }

    @Test
    @Order(4)
    void unreachableDaemonExitsThree() {
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "blocks", "--control",
                lab.workDir().resolve("nothing.sock").toString());
        assertEquals(3, code, err.toString());
    }
}
