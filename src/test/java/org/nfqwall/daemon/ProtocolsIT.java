package org.nfqwall.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.nfqwall.inspect.quic.ClientHellos;
import org.nfqwall.inspect.quic.QuicInitialBuilder;
import org.nfqwall.lab.Download;
import org.nfqwall.lab.ExecResult;
import org.nfqwall.lab.Lab;
import org.nfqwall.lab.Node;
import org.nfqwall.lab.TlsHandshake;
import org.nfqwall.lab.TlsResult;

/**
 * HTTPS, QUIC and BitTorrent through the kernel, judged by content, and decided flows leaving the
 * queue: the lab, the generated rules (TCP 80, 443, 8443, 51413 and UDP 443 queued), the daemon
 * on src/test/resources/daemon/protocols.yaml, real clients, and what arrived at the server.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProtocolsIT {
    private static final Duration T = Duration.ofSeconds(30);
    private static final int QUEUE = 5;
    private static final int TORRENT_PORT = 51413;
    private static final long TWENTY_MB = 20L << 20;
    private static Lab lab;
    private static FirewallUnderTest firewall;

    @BeforeAll
    static void startFirewall() {
        lab = Lab.create();
        lab.startRecordingServer(80);
        lab.startTlsServer(443);
        lab.startTlsServer(8443);
        lab.startUdpSink(443);
        lab.startTcpSink(TORRENT_PORT);
        firewall = new FirewallUnderTest(lab, QUEUE);
        firewall.applyRuleset("--ports", "80,443,8443," + TORRENT_PORT, "--udp-ports", "443");
        firewall.start(lab.baseDir().resolve("src/test/resources/daemon/protocols.yaml"));
    }

    @AfterAll
    static void stopFirewall() {
        if (lab != null) {
            lab.close();
        }
    }

    private static ExecResult curlHttps(String host, int maxSeconds) {
        return lab.exec(Node.CLIENT, T, "curl", "-sk", "-o", "/dev/null", "-w", "%{http_code}", "--max-time",
                String.valueOf(maxSeconds), "--resolve", host + ":443:" + Lab.SERVER_V4, "https://" + host + "/");
    }

    private static boolean handshakeSeen(int port, String sni) {
        return lab.tlsHandshakes(port).stream().map(TlsHandshake::sni).anyMatch(s -> sni.equals(s));
    }

    @Test
    @Order(1)
    void httpsToAnAllowedNameWorks() {
        ExecResult r = curlHttps("www.example.com", 5);
        assertEquals("200", r.stdout(), r.describe());
        assertTrue(handshakeSeen(443, "www.example.com"));
    }

    @Test
    @Order(2)
    void httpsToABlockedNameIsDroppedAtTheClientHello() {
        for (String host : List.of("blocked.example.org", "cdn.blocked.example.org")) {
            ExecResult r = curlHttps(host, 2);
            assertEquals(28, r.exitCode(), host + ": expected a timeout: " + r.describe());
            assertFalse(handshakeSeen(443, host), host);
        }
        assertTrue(firewall.log().contains("\"rule\":\"blocked-sni\""), firewall.log());
    }

    @Test
    @Order(3)
    void aClientHelloSplitIntoSegmentsIsStillRead() {
        TlsResult blocked = lab.tlsClient(Lab.SERVER_V4, 443).sni("blocked.example.org").segments(4)
                .timeout(Duration.ofSeconds(2)).run();
        assertEquals(4, blocked.segmentsSent(), blocked.json());
        assertFalse(blocked.handshakeOk(), blocked.json());
        TlsResult allowed = lab.tlsClient(Lab.SERVER_V4, 443).sni("split.example.com").segments(4).run();
        assertTrue(allowed.handshakeOk(), allowed.json());
        assertEquals(200, allowed.status(), allowed.json());
    }

    @Test
    @Order(4)
    void aClientHelloOverTwoRecordsIsStillRead() {
        TlsResult blocked = lab.tlsClient(Lab.SERVER_V4, 443).sni("blocked.example.org").records(2)
                .timeout(Duration.ofSeconds(2)).run();
        assertEquals(2, blocked.recordsSent(), blocked.json());
        assertFalse(blocked.handshakeOk(), blocked.json());
        TlsResult allowed = lab.tlsClient(Lab.SERVER_V4, 443).sni("records.example.com").records(2).run();
        assertTrue(allowed.handshakeOk(), allowed.json());
    }

    @Test
    @Order(5)
    void aLargeClientHelloOverSeveralSegmentsIsStillRead() {
        TlsResult blocked = lab.tlsClient(Lab.SERVER_V4, 443).sni("big.blocked.example.org").padTo(4000)
                .timeout(Duration.ofSeconds(2)).run();
        assertFalse(blocked.handshakeOk(), blocked.json());
        TlsResult allowed = lab.tlsClient(Lab.SERVER_V4, 443).sni("big.example.com").padTo(4000).run();
        assertTrue(allowed.handshakeOk(), allowed.json());
    }

    @Test
    @Order(6)
    void aClientHelloWithoutSniIsAFactTheRulesDecide() {
        TlsResult dropped = lab.tlsClient(Lab.SERVER_V4, 8443).sni(null).timeout(Duration.ofSeconds(2)).run();
        assertFalse(dropped.handshakeOk(), dropped.json());
        TlsResult allowed = lab.tlsClient(Lab.SERVER_V4, 443).sni(null).run();
        assertTrue(allowed.handshakeOk(), allowed.json());
        assertTrue(firewall.log().contains("\"rule\":\"no-sni-on-8443\""), firewall.log());
    }

    private static List<String> quicInitials(String sni, int version, int packets, int dcidSeed) {
        byte[] dcid = new byte[8];
        for (int i = 0; i < dcid.length; i++) {
            dcid[i] = (byte) (dcidSeed + i);
        }
        return new QuicInitialBuilder(version, dcid).datagrams(ClientHellos.tls13(sni, List.of("h3"), 1500), packets)
                .stream().map(HexFormat.of()::formatHex).toList();
    }

    @Test
    @Order(7)
    void quicInitialsAreDecidedOnTheirSni() {
        int before = lab.udpReceived(443);
        lab.sendUdpHex(Node.CLIENT, Lab.SERVER_V4, 443, quicInitials("www.example.com", QuicInitialBuilder.V1, 2, 10));
        int allowed = Lab.eventually(Duration.ofSeconds(3), () -> lab.udpReceived(443), n -> n >= before + 2);
        assertEquals(before + 2, allowed, "both Initials of an allowed name arrive");

        // From another source port (a new flow): the first Initial completes nothing and passes,
        // the second completes the ClientHello and is dropped, and so is everything after it.
        List<String> blocked = new java.util.ArrayList<>(quicInitials("blocked.example.org", QuicInitialBuilder.V2, 2, 50));
        blocked.add(blocked.get(1));
        lab.sendUdpHex(Node.CLIENT, Lab.SERVER_V4, 443, blocked);
        FirewallUnderTest.sleep(1000);
        assertEquals(allowed + 1, lab.udpReceived(443), firewall.log());
        assertTrue(firewall.log().contains("\"app_proto\":\"quic\"")
                && firewall.log().contains("\"quic\":{\"sni\":\"blocked.example.org\""), firewall.log());
    }

    @Test
    @Order(8)
    void bitTorrentIsBlockedOnAnyQueuedPort() {
        byte[] handshake = new byte[68];
        handshake[0] = 19;
        System.arraycopy("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII), 0, handshake, 1, 19);
        long before = lab.tcpSinkBytes(TORRENT_PORT);
        lab.splitClient(Lab.SERVER_V4, TORRENT_PORT).piece(handshake).timeout(Duration.ofSeconds(2)).run();
        FirewallUnderTest.sleep(300);
        assertEquals(before, lab.tcpSinkBytes(TORRENT_PORT), "no byte of the handshake arrives");
        lab.splitClient(Lab.SERVER_V4, TORRENT_PORT).piece("hello, not a torrent\n").timeout(Duration.ofSeconds(2)).run();
        long after = Lab.eventually(Duration.ofSeconds(3), () -> lab.tcpSinkBytes(TORRENT_PORT), n -> n > before);
        assertEquals(before + 21, after);
        assertTrue(firewall.log().contains("\"app_proto\":\"bittorrent\""), firewall.log());
    }

    @Test
    @Order(9)
    void decidedFlowsLeaveTheQueue() {
        long start = firewall.queuedPackets();
        Download https = lab.download(Node.CLIENT, "https://www.example.com/big?bytes=" + TWENTY_MB, true);
        assertTrue(https.ok() && https.bytes() == TWENTY_MB, https.toString());
        long afterHttps = firewall.queuedPackets();
        Download http = lab.download(Node.CLIENT, "http://www.example.com/big?bytes=" + TWENTY_MB, false);
        assertTrue(http.ok() && http.bytes() == TWENTY_MB, http.toString());
        long afterHttp = firewall.queuedPackets();
        System.out.printf("[offload] packets queued to the daemon: 20 MB HTTPS download %d, 20 MB HTTP download %d%n",
                afterHttps - start, afterHttp - afterHttps);
        assertTrue(afterHttps - start < 20, "HTTPS download queued " + (afterHttps - start) + " packets");
        assertTrue(afterHttp - afterHttps < 20, "HTTP download queued " + (afterHttp - afterHttps) + " packets");
    }
}
