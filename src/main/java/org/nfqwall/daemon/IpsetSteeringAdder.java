package org.nfqwall.daemon;

import java.util.Arrays;
import java.util.function.Consumer;
import org.nfqwall.engine.SteeringAdder;
import org.nfqwall.gen.SteeringSets;
import org.nfqwall.nfq.IpsetSocket;

/**
 * The engine's {@link SteeringAdder} in the daemon: adds to the set {@link SteeringSets#name}
 * names for the mark and family, through the worker's own {@link IpsetSocket}.
 *
 * <p>The first refusal of each kind (no such set, set full, other) is reported once, with the
 * set and the kernel's reason, to a reporter that must not block; later ones are only counted by
 * the engine.
 *
 * <p>Owned by one worker thread (its socket is not shared); set names are made once per mark and
 * kept, so an add allocates nothing once a mark was seen (a first refusal makes its message).
 */
final class IpsetSteeringAdder implements SteeringAdder, AutoCloseable {
    private final IpsetSocket socket;
    private final Consumer<String> reporter;
    /** Per {@link IpsetSocket} result: a refusal of that kind was reported already. */
    private final boolean[] reported = new boolean[IpsetSocket.FAILED + 1];
    private int[] marks = new int[0];
    private String[] names = new String[0];

    IpsetSteeringAdder(IpsetSocket socket, Consumer<String> reporter) {
        this.socket = socket;
        this.reporter = reporter;
    }

    @Override
    public int add(int markValue, boolean ipv6, long hi, long lo, long timeoutSeconds) {
        String set = setName(markValue, ipv6);
        int result = socket.add(set, ipv6, hi, lo, timeoutSeconds);
        if (result != IpsetSocket.ADDED && !reported[result]) {
            reported[result] = true;
            reporter.accept("nfqwall: cannot add to the steering set " + set + ": "
                    + socket.describe(socket.lastError()) + (result == IpsetSocket.NO_SUCH_SET
                    ? " (create it: the daemon does at start and reload, or 'nfqwall routing')"
                    : result == IpsetSocket.SET_FULL ? " (raise the mark's steer max, or let entries expire)" : "")
                    + "; further refusals of this kind are only counted (nfqwall stats)");
        }
        return switch (result) {
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
