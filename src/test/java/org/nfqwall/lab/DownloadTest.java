package org.nfqwall.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class DownloadTest {
    private static final Duration T = Duration.ofSeconds(60);

    @Test
    void resolvesNamedHostToServerAndSkipsCertificateCheck() {
        List<String> cmd = Download.command("https://www.example.com:8443/big?bytes=5", true, T);
        assertTrue(cmd.contains("-k"), cmd.toString());
        assertEquals("www.example.com:8443:" + Lab.SERVER_V4, cmd.get(cmd.indexOf("--resolve") + 1));
        assertEquals("https://www.example.com:8443/big?bytes=5", cmd.get(cmd.size() - 1));
    }

    @Test
    void addsSchemeToUrlWithoutOne() {
        List<String> cmd = Download.command("www.example.com/x", true, T);
        assertEquals("https://www.example.com/x", cmd.get(cmd.size() - 1));
        assertEquals("www.example.com:443:" + Lab.SERVER_V4, cmd.get(cmd.indexOf("--resolve") + 1));
    }

    @Test
    void resolvesNamedHostToTheGivenAddressBracketingIpv6() {
        List<String> v4 = Download.command("http://vpn.example.com/", false, T, "10.99.9.2");
        List<String> v6 = Download.command("https://vpn.example.com/", true, T, "fd99:9::2");
        assertEquals("vpn.example.com:80:10.99.9.2", v4.get(v4.indexOf("--resolve") + 1));
        assertEquals("vpn.example.com:443:[fd99:9::2]", v6.get(v6.indexOf("--resolve") + 1));
    }

    @Test
    void leavesAddressesAlone() {
        List<String> v4 = Download.command("http://10.99.2.2/big", false, T);
        List<String> v6 = Download.command("http://[fd99:2::2]:8080/big", false, T);
        assertFalse(v4.contains("--resolve") || v6.contains("--resolve"), v4 + " " + v6);
        assertFalse(v4.contains("-k"));
        assertEquals(1, Collections.frequency(v6, "-g"), "curl must not glob the brackets");
    }

    @Test
    void refusesSchemeThatContradictsTls() {
        assertThrows(IllegalArgumentException.class, () -> Download.command("http://a.example/", true, T));
        assertThrows(IllegalArgumentException.class, () -> Download.command("https://a.example/", false, T));
    }

    @Test
    void readsCurlSummary() {
        Download d = Download.fromCurl(new ExecResult(List.of("curl"), 0, "200 20000000 0.5", ""));
        assertTrue(d.ok());
        assertEquals(40_000_000.0, d.bytesPerSecond());
        Download reset = Download.fromCurl(new ExecResult(List.of("curl"), 56, "000 0 0.001",
                "curl: (56) Recv failure: Connection reset by peer"));
        assertFalse(reset.ok());
        assertEquals(0, reset.status());
    }
}
