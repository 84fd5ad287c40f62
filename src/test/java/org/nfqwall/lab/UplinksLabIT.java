package org.nfqwall.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The two-uplink lab itself, without nfqwall: traffic leaves through uplink A by default; a
 * hand-written policy route (what {@code nfqwall routing} and the PREROUTING ruleset make of a
 * routing mark) sends marked connections through B, replies included; the server tells the
 * uplinks apart by their MASQUERADE addresses; and a connection moved to the other uplink
 * mid-way breaks, as it would with two real ISPs, which is why nfqwall steers from the SYN.
 */
class UplinksLabIT {
    private static final Duration T = Duration.ofSeconds(10);
    private static final int PORT = 80;
    private static final String MARK = "0x10/0xff";
    private static final int PLAIN = 1;
    private static final int ROUTED = 2;
    private static final int MOVED = 3;
    private static Lab lab;

    @BeforeAll
    static void buildLab() {
        lab = Lab.createWithUplinks();
        lab.startRecordingServer(PORT);
        for (boolean ipv6 : new boolean[] {false, true}) {
            String ip = ipv6 ? "-6" : "-4";
            String tables = ipv6 ? "ip6tables-legacy" : "iptables-legacy";
            lab.execOk(Node.FW, T, "ip", ip, "rule", "add", "fwmark", MARK, "lookup", "main",
                    "suppress_prefixlength", "0", "priority", "999");
            lab.execOk(Node.FW, T, "ip", ip, "rule", "add", "fwmark", MARK, "lookup", "100", "priority", "1000");
            lab.execOk(Node.FW, T, "ip", ip, "route", "replace", "default", "via",
                    ipv6 ? Uplinks.UPLINK_B_V6 : Uplinks.UPLINK_B_V4, "table", "100");
            String routed = ipv6 ? Uplinks.hostV6(ROUTED) : Uplinks.hostV4(ROUTED);
            lab.execOk(Node.FW, T, tables, "-t", "mangle", "-A", "PREROUTING", "-j", "CONNMARK",
                    "--restore-mark", "--nfmask", "0xff", "--ctmask", "0xff");
            lab.execOk(Node.FW, T, tables, "-t", "mangle", "-A", "PREROUTING", "-i", Uplinks.FW_DEV_LAN,
                    "-d", routed, "-m", "conntrack", "--ctstate", "NEW", "-j", "CONNMARK", "--set-xmark", MARK);
            lab.execOk(Node.FW, T, tables, "-t", "mangle", "-A", "PREROUTING", "-i", Uplinks.FW_DEV_LAN,
                    "-d", routed, "-m", "conntrack", "--ctstate", "NEW", "-j", "MARK", "--set-xmark", MARK);
        }
    }

    @AfterAll
    static void removeLab() {
        if (lab != null) {
            lab.close();
            assertEquals(List.of(), lab.remainingNamespaces());
        }
    }

    private static String host(int n, boolean ipv6) {
        return ipv6 ? Uplinks.hostV6(n) : Uplinks.hostV4(n);
    }

    private static String lastClientSeen() {
        List<ReceivedRequest> all = lab.receivedRequests(PORT);
        return Uplinks.uplinkSeenAs(all.get(all.size() - 1).client());
    }

    /** Unmarked traffic takes the default route (A); the marked host's policy route (B), replies included. */
    @ParameterizedTest(name = "uplink {0}, ipv6 {1}")
    @CsvSource({"A,false", "A,true", "B,false", "B,true"})
    void aConnectionLeavesThroughTheUplinkItsRouteNamesOnly(String uplink, boolean ipv6) {
        String host = host(uplink.equals("A") ? PLAIN : ROUTED, ipv6);
        HostTraffic before = Uplinks.traffic(lab, host);
        Download d = lab.download(Node.CLIENT, "http://test.example.com/big?bytes=100000", false, host, T);
        HostTraffic used = Uplinks.traffic(lab, host).minus(before);
        assertTrue(d.ok(), d.toString());
        assertEquals(uplink, lastClientSeen());
        boolean a = uplink.equals("A");
        assertEquals(1, a ? used.synA() : used.synB(), used.toString());
        assertTrue((a ? used.fromA() : used.fromB()) > 10, used.toString());
        assertEquals(0, a ? used.viaB() : used.viaA(), used.toString());
    }

    @Test
    void aConnectionMovedToTheOtherUplinkMidWayBreaks() {
        String host = Uplinks.hostV4(MOVED);
        KeepAliveClient client = lab.keepAliveClient(host, PORT, "moved.example.com");
        client.awaitFirstAnswer();
        // Every further packet of the connection gets the routing mark: it leaves through B,
        // whose MASQUERADE address the server has never seen for this connection.
        lab.execOk(Node.FW, T, "iptables-legacy", "-t", "mangle", "-A", "PREROUTING", "-i", Uplinks.FW_DEV_LAN,
                "-d", host, "-j", "MARK", "--set-xmark", MARK);
        HostTraffic before = Uplinks.traffic(lab, host);
        KeepAliveClient.Result r = client.sendSecond();
        HostTraffic moved = Uplinks.traffic(lab, host).minus(before);
        assertEquals(200, r.first(), r.toString());
        assertEquals(0, r.second(), "the moved connection must break: " + r);
        assertTrue(moved.toB() >= 1, moved.toString());
        assertEquals(0, moved.toA(), moved.toString());
        assertEquals(List.of("/first"), lab.receivedRequests(PORT).stream()
                .filter(q -> "moved.example.com".equals(q.host())).map(ReceivedRequest::path).toList());
    }
}
