package org.nfqwall.engine;

import java.nio.ByteBuffer;
import org.nfqwall.inspect.quic.QuicInspector;
import org.nfqwall.inspect.tls.ClientHelloInfo;
import org.nfqwall.rules.Protocol;
import org.nfqwall.stats.Counter;
import org.nfqwall.stats.Counters;

/**
 * Reads a UDP flow's client datagrams: QUIC Initial packets until their ClientHello is complete
 * (then the flow is decided on it), anything else as protocol unknown.
 *
 * <p>Datagrams that complete nothing are accepted, as TCP segments are; a flow that has not
 * produced a ClientHello within {@value #MAX_DATAGRAMS} datagrams is decided as QUIC without a
 * ClientHello, as is one whose authenticated Initials are malformed or too large.
 * Owned by the worker thread of its engine. Decrypting an Initial allocates (JDK crypto); only
 * the first datagrams of a flow pay for it.
 */
final class DatagramInspection {
    /** Datagrams a QUIC flow may take to deliver its ClientHello: {@value}. */
    static final int MAX_DATAGRAMS = 16;

    private final Decisions decisions;
    private final Counters counters;
    private final QuicInspector quic;
    private final ClientHelloInfo hello = new ClientHelloInfo();

    DatagramInspection(Decisions decisions, Counters counters, int maxClientHelloBytes) {
        this.decisions = decisions;
        this.counters = counters;
        this.quic = new QuicInspector(maxClientHelloBytes);
    }

    long inspect(FlowState f, ByteBuffer buf, int off, int len, int mark) {
        if (len == 0) {
            return PacketVerdict.ACCEPTED;
        }
        int result = quic.inspect(f.quic, buf, off, len, hello);
        f.datagrams++;
        switch (result) {
            case QuicInspector.CLIENT_HELLO:
                counters.increment(Counter.QUIC_HELLOS);
                return StreamInspection.decideHello(f, hello, Protocol.QUIC, mark, decisions, counters);
            case QuicInspector.NEED_MORE:
                return f.datagrams < MAX_DATAGRAMS ? PacketVerdict.ACCEPTED : unreadableQuic(f, mark);
            case QuicInspector.UNREADABLE:
                // One unreadable datagram (a forged or unknown-version Initial) is not a fact about
                // the flow: the real ClientHello may follow. Only a rule that drops QUIC it cannot
                // read (say, protocol: quic) acts on it at once.
                decisions.application().protocol = Protocol.QUIC;
                if (f.datagrams < MAX_DATAGRAMS && !decisions.wouldEnd()) {
                    return PacketVerdict.ACCEPTED;
                }
                return unreadableQuic(f, mark);
            case QuicInspector.TOO_LARGE:
            case QuicInspector.MALFORMED:
                return unreadableQuic(f, mark);
            default:
                return decisions.unknown(f, mark);
        }
    }

    /** QUIC whose ClientHello cannot be read: the flow is decided as QUIC without a hello. */
    private long unreadableQuic(FlowState f, int mark) {
        counters.increment(Counter.QUIC_UNREADABLE);
        decisions.application().protocol = Protocol.QUIC;
        return decisions.flow(f, mark);
    }
}
