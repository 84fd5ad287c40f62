package org.nfqwall.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.nfqwall.rules.Facts;
import org.nfqwall.rules.Protocol;
import org.nfqwall.rules.Verdict;

class DecisionLogTest {
    private static final Instant T = Instant.parse("2026-11-23T18:30:00.123Z");

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
}
