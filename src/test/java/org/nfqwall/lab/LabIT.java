package org.nfqwall.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lab itself: routing through the firewall, the recording and TLS servers, the split and TLS
 * clients (checked on the wire with tcpdump), the UDP and TCP sinks, downloads, cleanup.
 */
class LabIT {
    private static final Duration T = Duration.ofSeconds(10);
    private static final int PLAIN_PORT = 80;
    private static final int SPLIT_PORT = 8081;
    private static final int RESET_PORT = 8082;
    private static final int DROP_PORT = 8083;
    private static final int TLS_PORT = 8443;
    private static final int UDP_PORT = 4433;
    private static final int PEER_PORT = 51413;
    private static final int MB20 = 20_000_000;
    private static Lab lab;

    @BeforeAll
    static void buildLab() {
        lab = Lab.create();
        for (int port : List.of(PLAIN_PORT, SPLIT_PORT, RESET_PORT, DROP_PORT)) {
            lab.startRecordingServer(port);
        }
        lab.startTlsServer(TLS_PORT);
        lab.startUdpSink(UDP_PORT);
        lab.startTcpSink(PEER_PORT);
        // Count data segments per port on the forwarding path; reject or drop the last two.
        lab.execOk(Node.FW, T, "iptables-legacy", "-A", "FORWARD", "-p", "tcp", "--dport",
                Integer.toString(SPLIT_PORT), "--tcp-flags", "PSH", "PSH");
        lab.execOk(Node.FW, T, "iptables-legacy", "-A", "FORWARD", "-p", "tcp", "--dport",
                Integer.toString(RESET_PORT), "--tcp-flags", "PSH", "PSH", "-j", "REJECT",
                "--reject-with", "tcp-reset");
        lab.execOk(Node.FW, T, "iptables-legacy", "-A", "FORWARD", "-p", "tcp", "--dport",
                Integer.toString(DROP_PORT), "--tcp-flags", "PSH", "PSH", "-j", "DROP");
        lab.execOk(Node.FW, T, "ip6tables-legacy", "-A", "FORWARD", "-p", "icmpv6",
                "--icmpv6-type", "echo-request");
    }

    @AfterAll
    static void removeLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void clientPingsServerOverIpv4ThroughFirewall() {
        lab.execOk(Node.CLIENT, T, "ping", "-c", "1", "-W", "2", Lab.SERVER_V4);
    }

    @Test
    void clientPingsServerOverIpv6ThroughFirewall() {
        long before = lab.ip6tablesPackets(Node.FW, "filter", "FORWARD", "--icmpv6-type 128");
        lab.execOk(Node.CLIENT, T, "ping", "-c", "1", "-W", "2", Lab.SERVER_V6);
        assertEquals(before + 1, lab.ip6tablesPackets(Node.FW, "filter", "FORWARD", "--icmpv6-type 128"),
                "the echo request must cross the firewall's FORWARD chain");
    }

    @Test
    void serverRoutesRepliesBackThroughFirewall() {
        lab.execOk(Node.SERVER, T, "ping", "-c", "1", "-W", "2", Lab.CLIENT_V4);
        lab.execOk(Node.SERVER, T, "ping", "-c", "1", "-W", "2", Lab.CLIENT_V6);
    }

    @Test
    void curlRequestOverIpv4IsAnsweredAndRecorded() {
        ExecResult curl = lab.execOk(Node.CLIENT, T, "curl", "-sS", "--max-time", "5", "-o",
                "/dev/null", "-w", "%{http_code}", "-H", "Host: www.example.com",
                "http://" + Lab.SERVER_V4 + "/APP1/curl-v4");
        assertEquals("200", curl.stdout());
        ReceivedRequest got = onlyRequestFor("/APP1/curl-v4");
        assertEquals("GET", got.method());
        assertEquals("www.example.com", got.host());
        assertEquals(Lab.CLIENT_V4, got.client());
        assertEquals(PLAIN_PORT, got.port());
    }

    @Test
    void curlRequestOverIpv6IsAnsweredAndRecorded() {
        ExecResult curl = lab.execOk(Node.CLIENT, T, "curl", "-sS", "-g", "--max-time", "5", "-o",
                "/dev/null", "-w", "%{http_code}", "-H", "Host: video.example.org",
                "http://[" + Lab.SERVER_V6 + "]/v6-path");
        assertEquals("200", curl.stdout());
        ReceivedRequest got = onlyRequestFor("/v6-path");
        assertEquals("video.example.org", got.host());
        assertEquals(Lab.CLIENT_V6, got.client());
    }

    @Test
    void requestSplitIntoThreeSegmentsArrivesAsOneRequest() {
        long segmentsBefore = lab.iptablesPackets(Node.FW, "filter", "FORWARD", "--dport " + SPLIT_PORT);
        SplitResult r = lab.splitClient(Lab.SERVER_V4, SPLIT_PORT)
                .piece("GET /AP").piece("P2/split HTTP/1.1\r\nHost: www.exa").piece("mple.com\r\n\r\n")
                .run();
        assertEquals(List.of(200), r.statuses(), r.json());
        assertEquals(3, r.piecesSent(), r.json());
        assertFalse(r.reset(), r.json());
        ReceivedRequest got = onlyRequestFor("/APP2/split");
        assertEquals("www.example.com", got.host());
        assertEquals(SPLIT_PORT, got.port());
        assertEquals(segmentsBefore + 3,
                lab.iptablesPackets(Node.FW, "filter", "FORWARD", "--dport " + SPLIT_PORT),
                "each piece must cross the firewall as its own data segment");
    }

    @Test
    void requestsOnOneKeepAliveConnectionAreAnsweredInTurn() {
        SplitResult r = lab.splitClient(Lab.SERVER_V6, PLAIN_PORT)
                .request("GET /keep/1 HTTP/1.1\r\nHost: a.example\r\n\r\n", 2).awaitResponse()
                .request("HEAD /keep/2 HTTP/1.1\r\nHost: a.example\r\n\r\n", 3)
                .run();
        assertEquals(List.of(200, 200), r.statuses(), r.json());
        assertEquals("HEAD", onlyRequestFor("/keep/2").method());
        assertEquals(Lab.CLIENT_V6, onlyRequestFor("/keep/1").client());
    }

    @Test
    void splitClientReportsResetFromFirewallAtOnce() {
        SplitResult r = lab.splitClient(Lab.SERVER_V4, RESET_PORT)
                .request("GET /reset-me HTTP/1.1\r\nHost: x\r\n\r\n", 1).run();
        assertTrue(r.connected(), r.json());
        assertTrue(r.reset(), r.json());
        assertTrue(r.statuses().isEmpty(), r.json());
        assertTrue(r.msUntilEnd() < 1000, r.json());
        assertTrue(lab.receivedRequests(RESET_PORT).isEmpty());
    }

    @Test
    void splitClientReportsTimeoutWhenFirewallDrops() {
        SplitResult r = lab.splitClient(Lab.SERVER_V4, DROP_PORT).timeout(Duration.ofSeconds(1))
                .request("GET /drop-me HTTP/1.1\r\nHost: x\r\n\r\n", 1).run();
        assertTrue(r.timedOut(), r.json());
        assertFalse(r.reset(), r.json());
        assertTrue(r.statuses().isEmpty(), r.json());
        assertTrue(lab.receivedRequests(DROP_PORT).isEmpty());
    }

    @Test
    void closeRemovesNamespacesAndProcessesEvenWhenTestFails() {
        Lab[] second = new Lab[1];
        Process[] sleeper = new Process[1];
        AssertionError failure = assertThrows(AssertionError.class, () -> {
            try (Lab other = Lab.create()) {
                second[0] = other;
                sleeper[0] = other.start(Node.FW, other.workDir().resolve("sleep.log"), "sleep", "60");
                assertEquals(3, other.remainingNamespaces().size());
                throw new AssertionError("a failing test");
            }
        });
        assertEquals("a failing test", failure.getMessage());
        assertEquals(List.of(), second[0].remainingNamespaces());
        assertFalse(sleeper[0].isAlive(), "processes started in the lab must be stopped");
    }

    @Test
    void iptablesCounterNamesTheChainWhenNoRuleMatches() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> lab.iptablesPackets(Node.FW, "filter", "FORWARD", "--dport 9"));
        assertTrue(e.getMessage().contains("-P FORWARD ACCEPT"), e.getMessage());
    }

    @Test
    void curlOverHttpsIsAnsweredAndRecordsSniAndAlpn() {
        ExecResult curl = lab.execOk(Node.CLIENT, T, "curl", "-sSk", "--max-time", "5", "-o",
                "/dev/null", "-w", "%{http_code}", "--resolve",
                "curl.example.com:" + TLS_PORT + ":" + Lab.SERVER_V4,
                "https://curl.example.com:" + TLS_PORT + "/tls/curl");
        assertEquals("200", curl.stdout());
        ReceivedRequest got = onlyRequestFor("/tls/curl");
        assertEquals("curl.example.com:" + TLS_PORT, got.host());
        assertEquals(TLS_PORT, got.port());
        TlsHandshake hs = onlyHandshakeFor("curl.example.com");
        assertEquals("http/1.1", hs.alpn(), "curl offers h2 and http/1.1; the server picks http/1.1");
        assertEquals(Lab.CLIENT_V4, hs.client());
        assertEquals("TLSv1.3", hs.version());
    }

    @Test
    void tlsClientWithoutSniCompletesHandshake() {
        TlsResult r = lab.tlsClient(Lab.SERVER_V6, TLS_PORT).sni(null).alpn("h2", "http/1.1")
                .path("/tls/no-sni").run();
        assertTrue(r.handshakeOk(), r.json());
        assertEquals(200, r.status(), r.json());
        assertEquals("http/1.1", r.alpn(), r.json());
        TlsHandshake hs = handshakeFrom(r);
        assertNull(hs.sni(), hs.toString());
        assertEquals(Lab.CLIENT_V6, hs.client());
        assertEquals("[" + Lab.SERVER_V6 + "]", onlyRequestFor("/tls/no-sni").host());
    }

    @Test
    void tlsClientSendsClientHelloInThreeSegments() {
        Capture capture = lab.capture(Node.FW, "lan0", "tcp port " + TLS_PORT);
        TlsResult r = lab.tlsClient(Lab.SERVER_V4, TLS_PORT).sni("three.example.com").segments(3).run();
        List<byte[]> hello = clientHelloSegments(capture.stop(), r.localPort());
        assertTrue(r.handshakeOk(), r.json());
        assertEquals(200, r.status(), r.json());
        assertEquals(3, hello.size(), "segments before the server's first answer: " + r.json());
        assertEquals(1, tlsRecords(hello).size(), r.json());
        assertEquals("three.example.com", handshakeFrom(r).sni());
    }

    @Test
    void tlsClientFramesClientHelloInTwoRecords() {
        Capture capture = lab.capture(Node.FW, "lan0", "tcp port " + TLS_PORT);
        TlsResult r = lab.tlsClient(Lab.SERVER_V4, TLS_PORT).sni("two.example.com").records(2).run();
        List<byte[]> hello = clientHelloSegments(capture.stop(), r.localPort());
        assertTrue(r.handshakeOk(), r.json());
        assertEquals(200, r.status(), r.json());
        assertEquals(1, hello.size(), r.json());
        List<Integer> records = tlsRecords(hello);
        assertEquals(2, records.size(), "record lengths " + records + ": " + r.json());
        assertEquals(r.helloBytes(), records.stream().mapToInt(Integer::intValue).sum());
        assertEquals("two.example.com", handshakeFrom(r).sni());
    }

    @Test
    void paddedClientHelloSpansSeveralSegmentsOnTheWire() {
        Capture capture = lab.capture(Node.FW, "lan0", "tcp port " + TLS_PORT);
        TlsResult r = lab.tlsClient(Lab.SERVER_V4, TLS_PORT).sni("big.example.com").padTo(4000).run();
        List<byte[]> hello = clientHelloSegments(capture.stop(), r.localPort());
        assertTrue(r.handshakeOk(), r.json());
        assertEquals(200, r.status(), r.json());
        assertEquals(4000, r.helloBytes(), r.json());
        assertEquals(List.of(4000), tlsRecords(hello));
        assertEquals(3, hello.size(), "4005 bytes in 1448-byte segments: " + r.json());
        assertEquals("big.example.com", handshakeFrom(r).sni());
    }

    @Test
    void tlsClientOffersTls12WhenAsked() {
        TlsResult r = lab.tlsClient(Lab.SERVER_V4, TLS_PORT).sni("old.example.com").tlsMax12()
                .records(3).segments(2).run();
        assertTrue(r.handshakeOk(), r.json());
        assertEquals("TLSv1.2", r.tlsVersion(), r.json());
        assertEquals(200, r.status(), r.json());
    }

    @Test
    void plainHttpToTlsServerIsRefusedAndNotCountedAsHandshake() {
        int before = lab.tlsHandshakes(TLS_PORT).size();
        SplitResult r = lab.splitClient(Lab.SERVER_V4, TLS_PORT)
                .request("GET /tls/plain HTTP/1.1\r\nHost: x\r\n\r\n", 1).run();
        assertTrue(r.closed() || r.reset(), r.json());
        assertTrue(r.statuses().isEmpty(), r.json());
        assertEquals(before, lab.tlsHandshakes(TLS_PORT).size());
        TlsResult after = lab.tlsClient(Lab.SERVER_V4, TLS_PORT).sni("after.example.com").run();
        assertEquals(200, after.status(), "the server must go on serving: " + after.json());
    }

    @Test
    void udpHexDatagramsArriveAtSink() {
        String initial = "c3000000010811223344556677880000" + "00".repeat(1184);
        int sent = lab.sendUdpHex(Node.CLIENT, Lab.SERVER_V4, UDP_PORT,
                List.of(initial, "40aabbccdd", "deadbeef"), Duration.ofMillis(5));
        assertEquals(3, sent);
        List<ReceivedDatagram> got = Lab.eventually(T, () -> lab.udpDatagrams(UDP_PORT),
                list -> list.size() >= 3);
        assertEquals(3, lab.udpReceived(UDP_PORT), got.toString());
        assertEquals(1200, got.get(0).bytes());
        assertEquals(initial, got.get(0).hex());
        assertEquals("deadbeef", got.get(2).hex());
        assertEquals(Lab.CLIENT_V4, got.get(0).client());
        assertEquals(got.get(0).clientPort(), got.get(2).clientPort(), "one socket, one flow");
    }

    @Test
    void tcpSinkCountsBytesOfNonHttpPeer() {
        byte[] handshake = new byte[68];
        handshake[0] = 19;
        System.arraycopy("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII), 0, handshake, 1, 19);
        SplitResult r = lab.splitClient(Lab.SERVER_V4, PEER_PORT).timeout(Duration.ofMillis(300))
                .piece(handshake).piece(new byte[100]).run();
        assertEquals(168, r.bytesSent(), r.json());
        List<SinkConnection> got = Lab.eventually(T, () -> lab.tcpSinkConnections(PEER_PORT),
                list -> !list.isEmpty() && list.get(0).end() != null);
        assertEquals(1, got.size(), got.toString());
        assertEquals(168, got.get(0).bytes());
        assertEquals("eof", got.get(0).end());
        assertTrue(got.get(0).headHex().startsWith("13426974546f7272656e742070726f746f636f6c"),
                got.get(0).headHex());
        assertEquals(168, lab.tcpSinkBytes(PEER_PORT));
    }

    @Test
    void downloadsTwentyMegabytesOverHttpAndHttps() {
        Download plain = lab.download(Node.CLIENT, "http://" + Lab.SERVER_V4 + "/big?bytes=" + MB20, false);
        assertTrue(plain.ok(), plain.toString());
        assertEquals(MB20, plain.bytes());
        Download tls = lab.download(Node.CLIENT, "www.example.com:" + TLS_PORT + "/big?bytes=" + MB20, true);
        assertTrue(tls.ok(), tls.toString());
        assertEquals(MB20, tls.bytes());
        assertTrue(tls.seconds() > 0 && tls.bytesPerSecond() > 0, tls.toString());
        assertTrue(lab.tlsHandshakes(TLS_PORT).stream().anyMatch(h -> "www.example.com".equals(h.sni())));
    }

    /**
     * The payloads of the client's data segments on connection {@code clientPort} before the
     * server's first data: the ClientHello as it crossed the wire.
     */
    private static List<byte[]> clientHelloSegments(List<CapturedPacket> packets, int clientPort) {
        List<byte[]> hello = new ArrayList<>();
        for (CapturedPacket p : packets) {
            if (p.sourcePort() == TLS_PORT && p.destinationPort() == clientPort && p.payload().length > 0) {
                return hello;
            }
            if (p.sourcePort() == clientPort && p.destinationPort() == TLS_PORT && p.payload().length > 0) {
                hello.add(p.payload());
            }
        }
        throw new AssertionError("no answer from the server on port " + clientPort + " in " + packets);
    }

    /** The payload lengths of the TLS records in these bytes (RFC 8446 5.1: type, version, length). */
    private static List<Integer> tlsRecords(List<byte[]> segments) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        segments.forEach(all::writeBytes);
        byte[] b = all.toByteArray();
        List<Integer> lengths = new ArrayList<>();
        int i = 0;
        while (b.length - i >= 5) {
            assertEquals(22, b[i], "a handshake record at byte " + i);
            int length = ((b[i + 3] & 0xff) << 8) | (b[i + 4] & 0xff);
            lengths.add(length);
            i += 5 + length;
        }
        assertEquals(b.length, i, "the segments end with a whole record");
        return lengths;
    }

    private static TlsHandshake handshakeFrom(TlsResult r) {
        List<TlsHandshake> matching = lab.tlsHandshakes(TLS_PORT).stream()
                .filter(h -> h.clientPort() == r.localPort()).toList();
        assertEquals(1, matching.size(), "handshakes from port " + r.localPort() + ": "
                + lab.tlsHandshakes(TLS_PORT));
        return matching.get(0);
    }

    private static TlsHandshake onlyHandshakeFor(String sni) {
        List<TlsHandshake> matching = lab.tlsHandshakes(TLS_PORT).stream()
                .filter(h -> sni.equals(h.sni())).toList();
        assertEquals(1, matching.size(), "handshakes for " + sni + ": " + lab.tlsHandshakes(TLS_PORT));
        return matching.get(0);
    }

    private static ReceivedRequest onlyRequestFor(String path) {
        List<ReceivedRequest> matching = lab.receivedRequests().stream()
                .filter(r -> r.path().equals(path)).toList();
        assertEquals(1, matching.size(), "requests for " + path + ": " + lab.receivedRequests());
        return matching.get(0);
    }
}
