package org.nfqwall.engine;

import org.nfqwall.inspect.ContentSniffer;
import org.nfqwall.inspect.bittorrent.BitTorrentHandshake;
import org.nfqwall.inspect.http.HttpInspector;
import org.nfqwall.inspect.http.HttpRequestHead;
import org.nfqwall.inspect.tls.ClientHelloInfo;
import org.nfqwall.inspect.tls.TlsInspector;
import org.nfqwall.rules.Facts;
import org.nfqwall.rules.HostNames;
import org.nfqwall.rules.Protocol;
import org.nfqwall.stats.Counter;
import org.nfqwall.stats.Counters;

/**
 * Reads a TCP flow's in-order client bytes: tells from the first bytes whether they are HTTP,
 * TLS or BitTorrent (by content, whatever the port), runs that inspector over what the flow
 * holds, and decides each request head or ClientHello as it completes.
 *
 * <p>HTTP flows stay under inspection (every keep-alive request is decided); a TLS flow is
 * decided for good at its ClientHello (nothing later in it can be read), as are BitTorrent and
 * unreadable flows. Owned by the worker thread of its engine.
 */
final class StreamInspection {
    private final Decisions decisions;
    private final Counters counters;
    private final HttpInspector http;
    private final TlsInspector tls;
    private final HttpRequestHead head = new HttpRequestHead();
    private final ClientHelloInfo hello = new ClientHelloInfo();

    StreamInspection(Decisions decisions, Counters counters, int maxHeadBytes, int maxClientHelloBytes) {
        this.decisions = decisions;
        this.counters = counters;
        this.http = new HttpInspector(maxHeadBytes);
        this.tls = new TlsInspector(maxClientHelloBytes);
    }

    /** Inspects the bytes the flow holds until a decision or until more bytes are needed. */
    long inspectHeld(FlowState f, int mark) {
        if (f.content == ContentSniffer.NEED_MORE) {
            f.content = ContentSniffer.sniff(f.stream.data(), 0, f.stream.length());
            if (f.content == ContentSniffer.NEED_MORE) {
                return PacketVerdict.ACCEPTED;
            }
        }
        return switch (f.content) {
            case ContentSniffer.TLS -> inspectTls(f, mark);
            case ContentSniffer.BITTORRENT -> bittorrent(f, mark);
            default -> inspectHttp(f, mark);
        };
    }

    private long bittorrent(FlowState f, int mark) {
        counters.increment(Counter.BITTORRENT);
        decisions.application().protocol = Protocol.BITTORRENT;
        return decisions.flow(f, mark);
    }

    private long inspectTls(FlowState f, int mark) {
        int result = tls.inspect(f.tls, f.stream.data(), 0, f.stream.length(), hello);
        switch (result) {
            case TlsInspector.CLIENT_HELLO:
                counters.increment(Counter.TLS_HELLOS);
                return decideHello(f, hello, Protocol.TLS, mark, decisions, counters);
            case TlsInspector.NEED_MORE:
                return PacketVerdict.ACCEPTED;
            case TlsInspector.TOO_LARGE:
                counters.increment(Counter.HELLO_TOO_LARGE);
                return decisions.unknown(f, mark);
            default:
                counters.increment(Counter.TLS_MALFORMED);
                return decisions.unknown(f, mark);
        }
    }

    /**
     * Decides a flow on its ClientHello (TLS or QUIC): the SNI, normalised like an HTTP host, meets
     * {@code host:} rules; ALPN, no-SNI and ECH are facts of their own. An SNI that is not a valid
     * host name makes the hello unreadable (protocol unknown), never a name that matches nothing.
     */
    static long decideHello(FlowState f, ClientHelloInfo hello, Protocol protocol, int mark, Decisions decisions,
                            Counters counters) {
        String sni = hello.sniPresent() ? HostNames.normalise(hello.sni()) : null;
        if (hello.sniPresent() && sni == null) {
            counters.increment(Counter.TLS_MALFORMED);
            return decisions.unknown(f, mark);
        }
        Facts facts = decisions.application();
        facts.protocol = protocol;
        facts.helloSeen = true;
        facts.sniPresent = sni != null;
        facts.ech = hello.ech();
        if (sni != null) {
            facts.addHost(sni);
        }
        for (int i = 0; i < hello.alpnCount(); i++) {
            facts.addAlpn(hello.alpn(i));
        }
        return decisions.flow(f, mark);
    }

    private long inspectHttp(FlowState f, int mark) {
        long verdict = PacketVerdict.ACCEPTED;
        while (f.state == FlowState.INSPECTING && f.stream.length() > 0) {
            int result = http.inspect(f.http, f.stream.data(), 0, f.stream.length(), head);
            int consumed = http.consumed();
            f.stream.consume(consumed);
            long skippable = f.http.skippableBytes();
            if (skippable > 0) {
                f.stream.skip(skippable);
                f.http.skip(skippable);
            }
            switch (result) {
                case HttpInspector.REQUEST -> verdict = Decisions.strongest(verdict, decideRequest(f, mark));
                case HttpInspector.NOT_HTTP -> {
                    if (f.sawHttp && f.http.upgradeRequested()) {
                        // A tunnel after CONNECT or an accepted upgrade: nothing more to read.
                        f.state = FlowState.ACCEPTED;
                        f.release();
                        verdict = Decisions.strongest(verdict, Decisions.offloaded(mark));
                    } else {
                        counters.increment(Counter.NOT_HTTP);
                        verdict = Decisions.strongest(verdict, decisions.unknown(f, mark));
                    }
                }
                case HttpInspector.TOO_LARGE -> {
                    counters.increment(Counter.HEAD_TOO_LARGE);
                    verdict = Decisions.strongest(verdict, decisions.unknown(f, mark));
                }
                case HttpInspector.MALFORMED -> {
                    counters.increment(Counter.HTTP_MALFORMED);
                    verdict = Decisions.strongest(verdict, decisions.unknown(f, mark));
                }
                default -> {
                    if (consumed == 0 && skippable == 0) {
                        return verdict;
                    }
                }
            }
        }
        return verdict;
    }

    /**
     * Decides the request in {@code head}. Its hosts arrive raw and are normalised here by the
     * rules' own normaliser, so they compare with rule hosts by equality; a host that is present
     * but invalid makes the request malformed (RFC 9112 3.2: the server answers 400), and the
     * flow is decided as protocol unknown.
     */
    private long decideRequest(FlowState f, int mark) {
        String hostHeader = HostNames.normalise(head.hostHeader());
        String targetHost = HostNames.normalise(head.targetHost());
        if (invalid(head.hostHeader(), hostHeader) || invalid(head.targetHost(), targetHost)) {
            counters.increment(Counter.HTTP_MALFORMED);
            return decisions.unknown(f, mark);
        }
        f.sawHttp = true;
        counters.increment(Counter.HTTP_REQUESTS);
        Facts facts = decisions.application();
        facts.protocol = Protocol.HTTP;
        facts.method = head.method();
        facts.path = head.path();
        facts.query = head.query();
        if (hostHeader != null) {
            facts.addHost(hostHeader);
        }
        if (targetHost != null) {
            facts.addHost(targetHost);
        }
        return decisions.request(f, mark);
    }

    /** True if a raw host was given but does not normalise. */
    private static boolean invalid(String raw, String normalised) {
        return normalised == null && raw != null && !raw.isEmpty();
    }
}
