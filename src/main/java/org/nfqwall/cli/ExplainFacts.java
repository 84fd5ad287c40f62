package org.nfqwall.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.nfqwall.inspect.http.HttpNormalizer;
import org.nfqwall.rules.Addresses;
import org.nfqwall.rules.Facts;
import org.nfqwall.rules.GreKeyRange;
import org.nfqwall.rules.HostNames;
import org.nfqwall.rules.Protocol;
import org.nfqwall.rules.RuleExplainer;

/**
 * Turns the fact options of {@code nfqwall explain} into the {@link Facts} the daemon would hold
 * for such a request or ClientHello: hosts normalised by {@link HostNames#normalise}, paths by
 * {@link HttpNormalizer#normalizePath}, exactly as the engine does. An https URL gives what the
 * daemon sees of HTTPS: a ClientHello whose server name is the URL's host (none for an IP
 * address, as clients send none), and no path or method. Also keeps the lines that show those
 * facts. One instance per command run; not thread-safe.
 */
final class ExplainFacts {
    /** Default ports of the URL schemes. */
    static final int HTTP_PORT = 80;
    static final int HTTPS_PORT = 443;

    final Facts facts = new Facts();
    private final List<String[]> lines = new ArrayList<>();

    /** The options as given; null or false when absent. */
    record Options(String url, String sni, boolean noSni, boolean ech, List<String> alpn, String src, String dst,
            Integer sport, Integer dport, String method, String protocol, Long greKey) {
    }

    /**
     * Builds the facts.
     *
     * @throws IllegalArgumentException naming the option at fault and what is expected
     */
    static ExplainFacts of(Options o) {
        ExplainFacts e = new ExplainFacts();
        e.build(o);
        return e;
    }

    private void build(Options o) {
        Facts f = facts;
        f.l4Protocol = 6;
        f.applicationKnown = true;
        Url url = o.url() == null ? null : Url.parse(o.url());
        boolean hello = url != null && url.https || o.sni() != null || o.noSni() || o.ech()
                || !o.alpn().isEmpty();
        if (url != null && !url.https && (o.sni() != null || o.noSni() || o.ech() || !o.alpn().isEmpty())) {
            throw new IllegalArgumentException("--sni, --no-sni, --ech and --alpn describe a TLS ClientHello, "
                    + "expected an https:// URL or none with them");
        }
        Protocol protocol = url != null && !url.https ? Protocol.HTTP : hello ? Protocol.TLS : Protocol.UNKNOWN;
        if (o.protocol() != null) {
            Protocol asked = protocol(o.protocol());
            boolean helloAsked = asked == Protocol.TLS || asked == Protocol.QUIC;
            if (url != null && !url.https && asked != Protocol.HTTP || hello && !helloAsked) {
                throw new IllegalArgumentException("--protocol " + asked.label() + " contradicts "
                        + (hello ? "a ClientHello (https, --sni, --no-sni, --ech or --alpn): expected tls or quic"
                                : "an http:// URL: expected http"));
            }
            protocol = asked;
            if (helloAsked) {
                hello = true;
            }
        }
        if (o.sni() != null && o.noSni()) {
            throw new IllegalArgumentException("--sni and --no-sni exclude each other");
        }
        if (o.method() != null && protocol != Protocol.HTTP) {
            throw new IllegalArgumentException("--method needs an HTTP request (--url http://... or --protocol http)");
        }
        f.protocol = protocol;
        f.l4Protocol = protocol == Protocol.QUIC ? 17 : 6;
        addresses(o, url);
        ports(o, url);
        tunnel(o);
        line("protocol", protocol.label() + (f.l4Protocol == 17 ? " (UDP)" : ""));
        if (protocol == Protocol.HTTP) {
            http(o, url);
        } else if (hello) {
            hello(o, url);
        } else {
            line("inspected", "nothing that names a host, path or method");
        }
    }

    private void addresses(Options o, Url url) {
        String dst = o.dst();
        String dstNote = "";
        if (dst == null && url != null && url.ipLiteral) {
            dst = url.host;
            dstNote = " (from the URL)";
        }
        if (o.src() != null) {
            RuleExplainer.setAddress(facts, true, o.src());
        }
        int srcVersion = o.src() == null ? 0 : facts.ipVersion;
        if (dst != null) {
            RuleExplainer.setAddress(facts, false, dst);
            if (srcVersion != 0 && facts.ipVersion != srcVersion) {
                throw new IllegalArgumentException("--src and --dst must both be IPv4 or both IPv6");
            }
        }
        String placeholder = facts.ipVersion == 6 ? "::" : "0.0.0.0";
        if (o.src() == null) {
            RuleExplainer.setAddress(facts, true, placeholder);
        }
        if (dst == null) {
            RuleExplainer.setAddress(facts, false, placeholder);
        }
        line("src", o.src() == null ? placeholder + " (not given)" : Addresses.format(facts.srcHi,
                facts.srcLo));
        line("dst", dst == null ? placeholder + " (not given)"
                : Addresses.format(facts.dstHi, facts.dstLo) + dstNote);
    }

    private void ports(Options o, Url url) {
        facts.srcPort = o.sport() == null ? 0 : port("--sport", o.sport());
        line("sport", o.sport() == null ? "0 (not given)" : Integer.toString(facts.srcPort));
        if (o.dport() != null) {
            facts.dstPort = port("--dport", o.dport());
            line("dport", Integer.toString(facts.dstPort));
        } else if (url != null) {
            facts.dstPort = url.port;
            line("dport", url.port + " (from the URL)");
        } else {
            line("dport", "0 (not given)");
        }
    }

    private void http(Options o, Url url) {
        if (url != null) {
            facts.addHost(url.host);
            facts.path = HttpNormalizer.normalizePath(url.rawPath);
            facts.query = url.query;
        }
        facts.method = o.method() != null ? o.method() : url != null ? "GET" : null;
        line("host", url == null ? "none" : url.host);
        line("method", facts.method == null ? "none" : facts.method);
        line("path", facts.path == null ? "none" : facts.path);
        if (facts.query != null) {
            line("query", facts.query);
        }
    }

    private void hello(Options o, Url url) {
        facts.helloSeen = true;
        String sni = null;
        String note = "";
        if (o.sni() != null) {
            sni = HostNames.normalise(o.sni());
            if (sni == null) {
                throw new IllegalArgumentException("--sni " + o.sni() + " is not a host name (the daemon reads such a "
                        + "hello as protocol unknown), expected a name like www.example.com");
            }
        } else if (url != null && !o.noSni()) {
            if (url.ipLiteral) {
                note = " (clients send none for an IP address)";
            } else {
                sni = url.host;
            }
        }
        facts.sniPresent = sni != null;
        facts.ech = o.ech();
        if (sni != null) {
            facts.addHost(sni);
        }
        for (String id : o.alpn()) {
            facts.addAlpn(id);
        }
        line("host", sni == null ? "none: the ClientHello has no server name" + note : sni + " (the server name)");
        line("alpn", o.alpn().isEmpty() ? "none offered" : String.join(", ", o.alpn()));
        line("ech", o.ech() ? "yes: the real server name is encrypted" : "no");
        if (url != null) {
            line("path", "none: inside TLS, HTTPS is judged by its server name");
        }
    }

    private void line(String key, String value) {
        lines.add(new String[] {key, value});
    }

    /** The facts, one {@code key value} line each, keys padded to one column. */
    List<String> lines() {
        return lines.stream().map(l -> String.format(Locale.ROOT, "  %-9s %s", l[0], l[1])).toList();
    }

    private static Protocol protocol(String text) {
        for (Protocol p : Protocol.values()) {
            if (p.label().equalsIgnoreCase(text)) {
                return p;
            }
        }
        List<String> labels = Arrays.stream(Protocol.values()).map(Protocol::label).toList();
        throw new IllegalArgumentException("--protocol " + text + " is not a protocol, expected one of: "
                + String.join(", ", labels));
    }

    /** {@code --gre-key}: the flow came inside a GRE tunnel with this key (its endpoints are not asked for). */
    private void tunnel(Options o) {
        if (o.greKey() == null) {
            return;
        }
        if (o.greKey() < 0 || o.greKey() > GreKeyRange.MAX_KEY) {
            throw new IllegalArgumentException("--gre-key " + o.greKey() + " is out of range, expected 0.."
                    + GreKeyRange.MAX_KEY);
        }
        facts.tunnelled = true;
        facts.greKeyPresent = true;
        facts.greKey = o.greKey();
        line("gre_key", o.greKey() + " (inside a GRE tunnel)");
    }

    private static int port(String option, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(option + " " + port + " is out of range, expected 0..65535");
        }
        return port;
    }

    /** The parts of an http:// or https:// URL that a request or ClientHello carries. */
    private record Url(boolean https, String host, boolean ipLiteral, int port, String rawPath, String query) {
        static Url parse(String text) {
            int colon = text.indexOf("://");
            String scheme = colon < 0 ? "" : text.substring(0, colon).toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("--url " + text + ": expected http://HOST[:PORT]/PATH or https://...");
            }
            boolean https = scheme.equals("https");
            int start = colon + 3;
            int end = start;
            while (end < text.length() && "/?#".indexOf(text.charAt(end)) < 0) {
                end++;
            }
            String authority = text.substring(Math.max(start, text.lastIndexOf('@', end - 1) + 1), end);
            String host = HostNames.normalise(authority);
            boolean bareIpv6 = !authority.startsWith("[") && authority.indexOf(':') != authority.lastIndexOf(':');
            if (authority.isEmpty() || host == null || bareIpv6) {
                throw new IllegalArgumentException("--url " + text + ": the host " + authority
                        + " is not a host name or IP address (in brackets for IPv6)");
            }
            int portColon = authority.lastIndexOf(':');
            int port = https ? HTTPS_PORT : HTTP_PORT;
            if (portColon > authority.lastIndexOf(']') && portColon + 1 < authority.length()
                    && (authority.startsWith("[") || authority.indexOf(':') == portColon)) {
                String digits = authority.substring(portColon + 1);
                port = digits.length() > 5 ? -1 : Integer.parseInt(digits);
                if (port < 0 || port > 65535) {
                    throw new IllegalArgumentException("--url " + text + ": port " + digits + " is out of range");
                }
            }
            int fragment = text.indexOf('#', end);
            int stop = fragment < 0 ? text.length() : fragment;
            int question = text.indexOf('?', end);
            String query = question >= 0 && question < stop ? text.substring(question + 1, stop) : null;
            String rawPath = text.substring(end, query != null ? question : stop);
            boolean ip = host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || c >= '0' && c <= '9');
            return new Url(https, host, ip, port, rawPath, query);
        }
    }
}
