package org.nfqwall.daemon;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nfqwall.engine.Engine;
import org.nfqwall.nfq.NfqException;
import org.nfqwall.nfq.QueueConfig;
import org.nfqwall.nfq.QueueSocket;
import org.nfqwall.stats.Counter;
import org.nfqwall.stats.Counters;

/**
 * The daemon's queues, one {@link Lane} each: its socket, counters, engine and worker, and the
 * worker's thread ({@code nfqwall-queue-N}). Lanes share nothing mutable on the packet path: the
 * kernel's {@code --queue-balance} hashes a flow to one queue, so each lane's flow table sees
 * whole flows and needs no lock.
 *
 * <p>Built and started by the daemon's main thread. {@link #stop} may be called from any thread
 * (a signal handler). The sums ({@link #merged}, {@link #flowEvictions}, ...) read what the workers
 * write, from any thread (control, metrics), lagging by a few packets like each worker's own
 * counters; they allocate, so they are for the control plane only.
 */
final class QueueWorkers {
    /**
     * One queue's worker and what it owns.
     *
     * @param queue the queue number
     * @param socket its socket (closed by the worker when it stops)
     * @param counters its engine's counters
     * @param engine its engine (flow table, buffers, rule counters)
     * @param worker its loop
     */
    record Lane(int queue, QueueSocket socket, Counters counters, Engine engine, QueueWorker worker) {
    }

    private final List<Lane> lanes;
    private final List<Thread> threads = new ArrayList<>();

    QueueWorkers(List<Lane> lanes) {
        if (lanes.isEmpty()) {
            throw new IllegalArgumentException("no queues");
        }
        this.lanes = List.copyOf(lanes);
    }

    /**
     * Binds every queue of {@code configs}, in order. If one fails, closes (unbinds) those
     * already bound and throws its exception, which names the queue.
     */
    static List<QueueSocket> open(List<QueueConfig> configs) throws NfqException {
        List<QueueSocket> sockets = new ArrayList<>();
        try {
            for (QueueConfig c : configs) {
                sockets.add(QueueSocket.open(c));
            }
            return sockets;
        } catch (NfqException | RuntimeException | LinkageError e) {
            closeAll(sockets);
            throw e;
        }
    }

    /** Closes every socket of {@code sockets}: the queues are unbound. Idempotent. */
    static void closeAll(List<QueueSocket> sockets) {
        for (QueueSocket s : sockets) {
            s.close();
        }
    }

    List<Lane> lanes() {
        return lanes;
    }

    /** The queue numbers, ascending as bound. */
    List<Integer> queues() {
        return lanes.stream().map(Lane::queue).toList();
    }

    /** Starts one thread per worker. Once. */
    void start() {
        for (Lane l : lanes) {
            Thread t = new Thread(l.worker(), "nfqwall-queue-" + l.queue());
            threads.add(t);
            t.start();
        }
    }

    /** Asks every worker to finish its batch and return. Any thread. */
    void stop() {
        for (Lane l : lanes) {
            l.worker().stop();
        }
    }

    /**
     * Waits until every worker has returned. A worker that fails stops the others, so the daemon
     * does not run on with part of its queues unread.
     */
    void join() {
        boolean interrupted = false;
        for (int i = 0; i < threads.size(); ) {
            Thread t = threads.get(i);
            try {
                t.join(200);
            } catch (InterruptedException e) {
                interrupted = true;
            }
            if (lanes.stream().anyMatch(l -> l.worker().failure() != null)) {
                stop();
            }
            if (!t.isAlive()) {
                i++;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes the sockets of workers never started (start-up failed after binding). */
    void closeUnstarted() {
        if (threads.isEmpty()) {
            closeAll(lanes.stream().map(Lane::socket).toList());
        }
    }

    /** One line per worker that ended early: {@code queue N stopped: why}. */
    List<String> failures() {
        List<String> out = new ArrayList<>();
        for (Lane l : lanes) {
            Throwable f = l.worker().failure();
            if (f != null) {
                out.add("queue " + l.queue() + " stopped: " + f.getMessage());
            }
        }
        return out;
    }

    /** Every engine counter summed over the queues. */
    Map<Counter, Long> merged() {
        return Counters.merge(lanes.stream().map(Lane::counters).toList());
    }

    long flowEvictions() {
        return lanes.stream().mapToLong(l -> l.engine().flowEvictions()).sum();
    }

    long enobufs() {
        return lanes.stream().mapToLong(l -> l.socket().enobufs()).sum();
    }

    long internalErrors() {
        return lanes.stream().mapToLong(l -> l.worker().internalErrors()).sum();
    }
}
