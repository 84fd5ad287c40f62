package org.nfqwall.daemon;

import java.util.List;
import org.nfqwall.rules.Facts;
import org.nfqwall.rules.Protocol;
import org.nfqwall.rules.Rule;
import org.nfqwall.rules.RuleLoadResult;
import org.nfqwall.rules.RuleSet;
import org.nfqwall.rules.RulesLoader;

/** Facts and rules for decision-log and metrics tests: 10.99.1.2:40000 -> 10.99.2.2:PORT. */
final class DecisionFacts {
    /** Rules whose names and lines the tests expect: app2 at line 4, shaped at line 7. */
    static final String RULES = """
            marks:
              shaped: 0x6
            rules:
              - name: app2
                path: "/APP2*"
                verdict: drop
              - name: video
                host: video.example.org
                verdict: {mark: shaped}
            """;

    private DecisionFacts() {
    }

    static Facts tcp(int dport) {
        Facts f = new Facts();
        f.ipVersion = 4;
        f.l4Protocol = 6;
        f.setSourceIpv4(0x0A630102);
        f.setDestinationIpv4(0x0A630202);
        f.srcPort = 40000;
        f.dstPort = dport;
        return f;
    }

    static Facts http(String host, String method, String path) {
        Facts f = tcp(80);
        f.applicationKnown = true;
        f.protocol = Protocol.HTTP;
        if (host != null) {
            f.addHost(host);
        }
        f.method = method;
        f.path = path;
        return f;
    }

    static Facts hello(Protocol protocol, String sni, List<String> alpn) {
        Facts f = tcp(443);
        if (protocol == Protocol.QUIC) {
            f.l4Protocol = 17;
        }
        f.applicationKnown = true;
        f.protocol = protocol;
        f.helloSeen = true;
        if (sni != null) {
            f.sniPresent = true;
            f.addHost(sni);
        }
        alpn.forEach(f::addAlpn);
        return f;
    }

    static Rule rule(String name) {
        RuleLoadResult r = RulesLoader.parse("test.yaml", RULES);
        if (!r.ok()) {
            throw new AssertionError(r.errors().toString());
        }
        RuleSet set = r.ruleSet();
        for (int i = 0; i < set.size(); i++) {
            if (set.rule(i).name().equals(name)) {
                return set.rule(i);
            }
        }
        throw new AssertionError("no rule " + name);
    }
}
