package org.nfqwall.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.nfqwall.daemon.SteeringFirewall.ClassCounters;
import org.nfqwall.gen.SteeringSets;
import org.nfqwall.lab.Download;
import org.nfqwall.lab.ExecResult;
import org.nfqwall.lab.HostTraffic;
import org.nfqwall.lab.KeepAliveClient;
import org.nfqwall.lab.Lab;
import org.nfqwall.lab.Node;
import org.nfqwall.lab.ReceivedRequest;
import org.nfqwall.lab.Uplinks;

/**
 * Steering end to end, in the two-uplink lab: the generated policy routing ({@code nfqwall
 * routing}), the mangle PREROUTING ruleset with {@code --restore-mark --rules --dns}, HTB shaping
 * ({@code nfqwall shaping}) on the firewall's LAN device and default uplink, and the daemon on
 * src/test/resources/daemon/steering.yaml. What left through which uplink is read from the
 * uplinks' per-host counters and from the source address the server saw (each uplink
 * MASQUERADEs to its own), never from timings.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SteeringIT {
    private static final Duration T = Duration.ofSeconds(30);
    private static final int QUEUE = 7;
    private static final int HTTP = 80;
    private static final int HTTPS = 443;
    private static final int ROUTE_MARK = 0x10;
    private static final long DOWNLOAD_BYTES = 2_000_000;
    /** The server's test hosts (10.99.9.N / fd99:9::N). */
    private static final int PLAIN = 1;
    private static final int ROUTED = 2;
    private static final int SECURE = 3;
    private static final int RESOLVED = 4;
    private static final int SLOW = 5;
    private static final int FAST = 6;
    private static final int LATER = 7;
    private static final int DNS = 9;
    private static final String RULES = "src/test/resources/daemon/steering.yaml";

    private static Lab lab;
    private static FirewallUnderTest firewall;
    private static SteeringFirewall steering;
    private static Path rules;
    private static Path socket;

    @BeforeAll
    static void startFirewall() {
        lab = Lab.createWithUplinks();
        rules = lab.baseDir().resolve(RULES);
        socket = lab.workDir().resolve("control.sock");
        lab.startRecordingServer(HTTP);
        lab.startTlsServer(HTTPS);
        // resolved.example.net is host RESOLVED; the DNS server listens on host DNS's address.
        lab.startDnsServer(Uplinks.hostV4(DNS), "resolved.example.net=A:" + Uplinks.hostV4(RESOLVED),
                "resolved.example.net=AAAA:" + Uplinks.hostV6(RESOLVED));
        steering = new SteeringFirewall(lab);
        steering.applyGenerated("routing", "--rules", rules.toString());
        firewall = new FirewallUnderTest(lab, QUEUE);
        firewall.applyRulesetIn("PREROUTING", "--ports", HTTP + "," + HTTPS, "--restore-mark",
                "--rules", rules.toString(), "--dns");
        // Downloads leave the firewall on lan0, uploads on wana (the default uplink).
        for (String dev : List.of(Uplinks.FW_DEV_LAN, Uplinks.FW_DEV_A)) {
            steering.applyGenerated("shaping", "--rules", rules.toString(), "--dev", dev, "--rate", "1gbit");
        }
        firewall.start(rules, "--control", socket.toString(), "--state-dir", lab.workDir().resolve("state").toString());
    }

    @AfterAll
    static void stopFirewall() {
        if (lab != null) {
            lab.close();
        }
    }

    private static String v4(int host) {
        return Uplinks.hostV4(host);
    }

    /** Downloads {@code bytes} from {@code name} at {@code address} and returns what both uplinks forwarded. */
    private static HostTraffic download(String name, String address, boolean tls, long bytes) {
        HostTraffic before = Uplinks.traffic(lab, address);
        Download d = lab.download(Node.CLIENT, (tls ? "https://" : "http://") + name + "/big?bytes=" + bytes,
                tls, address, T);
        assertTrue(d.ok(), name + " at " + address + ": " + d);
        assertEquals(bytes, d.bytes(), name + ": " + d);
        HostTraffic used = Uplinks.traffic(lab, address).minus(before);
        System.out.println("SteeringIT: " + name + (tls ? " (https) " : " ") + used);
        return used;
    }

    /** The uplink ("A", "B") through which the server got the last request for {@code name} on {@code port}. */
    private static String lastSeenVia(int port, String name) {
        List<ReceivedRequest> requests = lab.receivedRequests(port).stream().filter(r -> name.equals(r.host())).toList();
        assertFalse(requests.isEmpty(), "the server got no request for " + name);
        return Uplinks.uplinkSeenAs(requests.get(requests.size() - 1).client());
    }

    private static void assertOnlyThroughA(HostTraffic used) {
        assertEquals(1, used.synA(), used.toString());
        assertTrue(used.fromA() > 0, used.toString());
        assertEquals(0, used.viaB(), used.toString());
    }

    /** Steered from the SYN: the SYN and every packet after it through B, none through A. */
    private static void assertOnlyThroughB(HostTraffic used) {
        assertEquals(1, used.synB(), used.toString());
        assertTrue(used.fromB() > 0, used.toString());
        assertEquals(0, used.viaA(), used.toString());
    }

    private static ExecResult cli(String... args) {
        String[] cmd = Stream.concat(Stream.of("java", "-jar", FirewallUnderTest.jar().toString()),
                Stream.concat(Stream.of(args), Stream.of("--control", socket.toString()))).toArray(String[]::new);
        return lab.exec(Node.FW, T, cmd);
    }

    @Test
    @Order(1)
    void unmarkedHostLeavesThroughUplinkAOnly() {
        assertOnlyThroughA(download("plain.example.com", v4(PLAIN), false, DOWNLOAD_BYTES));
        assertEquals("A", lastSeenVia(HTTP, "plain.example.com"));
        assertEquals(List.of(), steering.steeringSet(ROUTE_MARK, false));
        assertTrue(firewall.queuedPackets("mangle") > 0, "the PREROUTING ruleset queued nothing");
    }

    @Test
    @Order(2)
    void firstConnectionToAMarkedHostIsDecidedAtTheHostHeaderAndStaysOnUplinkA() {
        String host = v4(ROUTED);
        HostTraffic before = Uplinks.traffic(lab, host);
        KeepAliveClient client = lab.keepAliveClient(host, HTTP, "routed.example.com");
        client.awaitFirstAnswer();
        // Decided at the first request: the address is remembered for the next connection ...
        assertEquals(List.of(host), steering.steeringSet(ROUTE_MARK, false));
        // ... while this one, live, is not moved: its second request still goes through A.
        KeepAliveClient.Result r = client.sendSecond();
        HostTraffic used = Uplinks.traffic(lab, host).minus(before);
        System.out.println("SteeringIT: first connection to routed.example.com " + used + ", " + r);
        assertEquals(new KeepAliveClient.Result(200, 200, null), r);
        assertOnlyThroughA(used);
        assertEquals(List.of("A", "A"), lab.receivedRequests(HTTP).stream()
                .filter(q -> "routed.example.com".equals(q.host()))
                .map(q -> Uplinks.uplinkSeenAs(q.client())).toList());
    }

    @Test
    @Order(3)
    void secondConnectionToAMarkedHostIsSteeredFromItsSyn() {
        assertOnlyThroughB(download("routed.example.com", v4(ROUTED), false, DOWNLOAD_BYTES));
        assertEquals("B", lastSeenVia(HTTP, "routed.example.com"));
    }

    @Test
    @Order(4)
    void httpsToAMarkedHostIsDecidedAtTheSniThenSteeredFromTheSyn() {
        HostTraffic first = download("secure.example.com", v4(SECURE), true, DOWNLOAD_BYTES);
        assertOnlyThroughA(first);
        assertTrue(steering.steeringSet(ROUTE_MARK, false).contains(v4(SECURE)));
        HostTraffic second = download("secure.example.com", v4(SECURE), true, DOWNLOAD_BYTES);
        assertOnlyThroughB(second);
        assertEquals("B", lastSeenVia(HTTPS, "secure.example.com"));
    }

    @Test
    @Order(5)
    void aNameResolvedThroughTheFirewallIsSteeredFromItsFirstConnection() {
        assertFalse(steering.steeringSet(ROUTE_MARK, false).contains(v4(RESOLVED)));
        // The moment the answer reaches the client, the address is in the firewall's set already:
        // the daemon sends the answer's verdict only after adding it.
        ExecResult answer = lab.execOk(Node.CLIENT, T, "python3", lab.tool("dns_query.py").toString(),
                v4(DNS), "resolved.example.net", "--type", "A", "--then", "ip", "netns", "exec", lab.namespace(Node.FW),
                "ipset", "test", SteeringSets.name(ROUTE_MARK, false), v4(RESOLVED));
        System.out.println("SteeringIT: DNS query for resolved.example.net: " + answer.stdout().strip().replace('\n', ' '));
        assertTrue(answer.stdout().matches("(?s)ANSWER 0 [1-9].*"), answer.describe());
        assertTrue(answer.stdout().contains("CHECK 0"), "not in the set when the answer arrived: " + answer.describe());
        assertOnlyThroughB(download("resolved.example.net", v4(RESOLVED), false, DOWNLOAD_BYTES));
        assertEquals("B", lastSeenVia(HTTP, "resolved.example.net"));
        // The answer's AAAA record went into the IPv6 set: the first IPv6 connection is steered too.
        assertOnlyThroughB(download("resolved.example.net", Uplinks.hostV6(RESOLVED), false, DOWNLOAD_BYTES));
    }

    @Test
    @Order(6)
    void ipv6MarkedHostIsSteeredFromTheSecondConnection() {
        String host = Uplinks.hostV6(ROUTED);
        assertOnlyThroughA(download("routed.example.com", host, false, DOWNLOAD_BYTES));
        assertTrue(steering.steeringSet(ROUTE_MARK, true).contains(host), steering.steeringSet(ROUTE_MARK, true).toString());
        assertOnlyThroughB(download("routed.example.com", host, false, DOWNLOAD_BYTES));
        List<ReceivedRequest> v6 = lab.receivedRequests(HTTP).stream()
                .filter(q -> "routed.example.com".equals(q.host()) && q.client().contains(":")).toList();
        assertEquals(List.of(Uplinks.SEEN_VIA_A_V6, Uplinks.SEEN_VIA_B_V6), v6.stream().map(ReceivedRequest::client).toList());
    }

    @Test
    @Order(7)
    void shapedHostFillsItsClassAndNoOther() {
        // The classes of steering.yaml's shape: {rate, ceil}, as the kernel shows them.
        String slow = steering.classWithRate(Uplinks.FW_DEV_LAN, "20Mbit", "40Mbit");
        String fast = steering.classWithRate(Uplinks.FW_DEV_LAN, "200Mbit", "1Gbit");
        Map<String, ClassCounters> before = steering.classes(Uplinks.FW_DEV_LAN);
        HostTraffic used = download("slow.example.com", v4(SLOW), false, DOWNLOAD_BYTES);
        Map<String, ClassCounters> grown = steering.classesSince(Uplinks.FW_DEV_LAN, before);
        System.out.println("SteeringIT: classes on lan0 during the slow.example.com download: " + grown
                + " (slow " + slow + ", fast " + fast + ")");
        assertOnlyThroughA(used);
        assertTrue(grown.get(slow).bytes() >= DOWNLOAD_BYTES, grown.toString());
        assertEquals(new ClassCounters(0, 0), grown.get(fast), grown.toString());
        ClassCounters defaultClass = grown.get(steering.defaultClass(Uplinks.FW_DEV_LAN));
        // Only what the server sent before the decision (the SYN-ACK) is unmarked.
        assertTrue(defaultClass.packets() <= 2, grown.toString());

        before = steering.classes(Uplinks.FW_DEV_LAN);
        download("plain.example.com", v4(PLAIN), false, DOWNLOAD_BYTES);
        grown = steering.classesSince(Uplinks.FW_DEV_LAN, before);
        System.out.println("SteeringIT: classes on lan0 during the plain.example.com download: " + grown);
        assertTrue(grown.get(steering.defaultClass(Uplinks.FW_DEV_LAN)).bytes() >= DOWNLOAD_BYTES, grown.toString());
        assertEquals(new ClassCounters(0, 0), grown.get(slow), grown.toString());
        assertEquals(new ClassCounters(0, 0), grown.get(fast), grown.toString());
    }

    @Test
    @Order(8)
    void uploadToAShapedHostFillsItsClassOnTheUplink() {
        String slow = steering.classWithRate(Uplinks.FW_DEV_A, "20Mbit", "40Mbit");
        String fast = steering.classWithRate(Uplinks.FW_DEV_A, "200Mbit", "1Gbit");
        Path body = lab.workDir().resolve("upload.bin");
        try {
            Files.write(body, new byte[(int) DOWNLOAD_BYTES]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, ClassCounters> before = steering.classes(Uplinks.FW_DEV_A);
        ExecResult post = lab.exec(Node.CLIENT, T, "curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}",
                "--max-time", "20", "-H", "Expect:", "--data-binary", "@" + body,
                "--resolve", "slow.example.com:80:" + v4(SLOW), "http://slow.example.com/upload");
        Map<String, ClassCounters> grown = steering.classesSince(Uplinks.FW_DEV_A, before);
        System.out.println("SteeringIT: classes on wana during a 2 MB upload to slow.example.com: " + grown);
        assertEquals("200", post.stdout(), post.describe());
        assertTrue(grown.get(slow).bytes() >= DOWNLOAD_BYTES, grown.toString());
        assertEquals(new ClassCounters(0, 0), grown.get(fast), grown.toString());
        // Unmarked: only what the client sent before the decision, the SYN and the handshake's ACK.
        // The segments queued behind the request head before its verdict reached the connmark
        // are handed back with the mark by the daemon.
        assertTrue(grown.get(steering.defaultClass(Uplinks.FW_DEV_A)).packets() <= 2, grown.toString());
    }

    @Test
    @Order(9)
    void reloadKeepsTheSetAndSteeringGoesOn() {
        List<String> remembered = steering.steeringSet(ROUTE_MARK, false).stream().sorted().toList();
        assertEquals(List.of(v4(ROUTED), v4(SECURE), v4(RESOLVED)), remembered);
        ExecResult reload = cli("reload");
        assertEquals(0, reload.exitCode(), reload.describe());
        assertEquals(remembered, steering.steeringSet(ROUTE_MARK, false).stream().sorted().toList());
        assertOnlyThroughB(download("routed.example.com", v4(ROUTED), false, DOWNLOAD_BYTES));
        // A host first seen after the reload: remembered, then steered.
        assertOnlyThroughA(download("later.example.com", v4(LATER), false, DOWNLOAD_BYTES));
        assertOnlyThroughB(download("later.example.com", v4(LATER), false, DOWNLOAD_BYTES));
        System.out.println("SteeringIT: after the reload: " + steeringCounters());
    }

    /** The daemon's steering and DNS counters, as {@code nfqwall stats --json} reports them. */
    private static String steeringCounters() {
        Matcher m = Pattern.compile("\"(steer_\\w+|dns_\\w+)\":(\\d+)").matcher(cli("stats", "--json").stdout());
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            out.append(out.length() == 0 ? "" : " ").append(m.group(1)).append('=').append(m.group(2));
        }
        return out.toString();
    }
}
