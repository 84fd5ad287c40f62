package org.nfqwall.daemon;

import java.util.Arrays;
import org.nfqwall.engine.SteeringAdder;
import org.nfqwall.gen.SteeringSets;
import org.nfqwall.nfq.IpsetSocket;

/**
 * The engine's {@link SteeringAdder} in the daemon: adds to the set {@link SteeringSets#name}
 * names for the mark and family, through the worker's own {@link IpsetSocket}.
 *
 * <p>Owned by one worker thread (its socket is not shared); set names are made once per mark and
 * kept, so an add allocates nothing once a mark was seen.
 */
final class IpsetSteeringAdder implements SteeringAdder, AutoCloseable {
    private final IpsetSocket socket;
    private int[] marks = new int[0];
    private String[] names = new String[0];

    IpsetSteeringAdder(IpsetSocket socket) {
        this.socket = socket;
    }

    @Override
    public int add(int markValue, boolean ipv6, long hi, long lo, long timeoutSeconds) {
        return switch (socket.add(setName(markValue, ipv6), ipv6, hi, lo, timeoutSeconds)) {
            case IpsetSocket.ADDED -> ADDED;
            case IpsetSocket.NO_SUCH_SET -> NO_SUCH_SET;
            case IpsetSocket.SET_FULL -> SET_FULL;
            default -> FAILED;
        };
    }

    /** The cached name of the set of {@code markValue} and family (IPv4 at 2i, IPv6 at 2i+1). */
    private String setName(int markValue, boolean ipv6) {
        for (int i = 0; i < marks.length; i++) {
            if (marks[i] == markValue) {
                return names[2 * i + (ipv6 ? 1 : 0)];
            }
        }
        int n = marks.length;
        marks = Arrays.copyOf(marks, n + 1);
        names = Arrays.copyOf(names, 2 * n + 2);
        marks[n] = markValue;
        names[2 * n] = SteeringSets.name(markValue, false);
        names[2 * n + 1] = SteeringSets.name(markValue, true);
        return names[2 * n + (ipv6 ? 1 : 0)];
    }

    @Override
    public void close() {
        socket.close();
    }
}
