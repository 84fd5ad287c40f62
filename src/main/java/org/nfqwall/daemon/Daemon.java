package org.nfqwall.daemon;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.nfqwall.engine.DecisionListener;
import org.nfqwall.engine.Engine;
import org.nfqwall.engine.Steered;
import org.nfqwall.engine.SteeringAdder;
import org.nfqwall.gen.SteeringSets;
import org.nfqwall.nfq.IpsetSocket;
import org.nfqwall.nfq.NfqException;
import org.nfqwall.nfq.PacketBatch;
import org.nfqwall.nfq.QueueSocket;
import org.nfqwall.rules.Addresses;
import org.nfqwall.rules.BlockSet;
import org.nfqwall.rules.Facts;
import org.nfqwall.rules.Rule;
import org.nfqwall.rules.RuleError;
import org.nfqwall.rules.RuleLoadResult;
import org.nfqwall.rules.RuleSet;
import org.nfqwall.rules.RulesLoader;
import org.nfqwall.rules.Verdict;
import org.nfqwall.stats.Counter;
import org.nfqwall.stats.Counters;
import org.nfqwall.stats.KernelQueueStats;
import org.nfqwall.stats.RuleCounters;
import sun.misc.Signal;

/**
 * The {@code nfqwall run} process: loads the rules, opens the decision log, binds the queues, serves
 * metrics when asked, runs one worker per queue ({@link QueueWorkers}), reloads the rules (and reopens the log file) on SIGHUP or a
 * control-socket request (creating the steering ipsets of the rules first, see
 * {@link KernelBlocks#createSteeringSets}), answers statistics and status on the control socket, and
 * stops cleanly on SIGTERM or SIGINT (exit 0; 1 if a worker failed, naming its queue).
 *
 * <p>Each worker runs on its own thread; signals only set flags or swap the rule-set reference,
 * and a reload is loaded and compiled off the packet path before the swap. A file that fails to
 * load never replaces the rules in force. The control socket has threads of its own
 * ({@link ControlServer}).
 */
public final class Daemon {
    private final DaemonOptions options;
    private final PrintStream out;
    private final PrintStream err;
    private final AtomicReference<RuleSet> rules = new AtomicReference<>();
    private final AtomicReference<BlockSet> blocks = new AtomicReference<>(BlockSet.EMPTY);

    public Daemon(DaemonOptions options, PrintStream out, PrintStream err) {
        this.options = options;
        this.out = out;
        this.err = err;
    }

    /** Runs until stopped; returns the process exit code. */
    public int run() {
        RuleLoadResult loaded = RulesLoader.load(options.rulesFile());
        if (!loaded.ok()) {
            printErrors(loaded.errors());
            err.println("nfqwall: not started: " + loaded.errors().size() + " error(s) in " + options.rulesFile());
            return 1;
        }
        rules.set(loaded.ruleSet());
        DecisionLog log;
        try {
            log = DecisionLog.open(options.observe(), out, err);
        } catch (IOException e) {
            err.println("nfqwall: not started: cannot open the decision log " + options.observe().logFile() + ": " + e);
            return 1;
        }
        Instant started = Instant.now();
        RuleReloader reloader = new RuleReloader(rules, options.rulesFile());
        List<QueueSocket> sockets;
        try {
            sockets = QueueWorkers.open(options.queues());
        } catch (NfqException | RuntimeException | LinkageError e) {
            log.close();
            err.println("nfqwall: " + e.getMessage());
            return 1;
        }
        try (log) {
            RuleDecisionCounts ruleCounts = new RuleDecisionCounts();
            KernelBlocks kernel = KernelBlocks.system();
            createSteeringSets(kernel, loaded.ruleSet(), log);
            reloader.beforeSwap(rs -> createSteeringSets(kernel, rs, log));
            BlockCommands blockCommands = new BlockCommands(blocks, new BlockStore(options.stateDir()), kernel, log::info,
                    System::currentTimeMillis);
            try {
                blockCommands.restore();
            } catch (IOException e) {
                QueueWorkers.closeAll(sockets);
                err.println("nfqwall: not started: timed blocks: " + e.getMessage());
                return 1;
            }
            // Cutting a flow runs a command: on a thread of its own, never on the packet path.
            ExecutorService cuts = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "nfqwall-block-cuts");
                t.setDaemon(true);
                return t;
            });
            List<IpsetSteeringAdder> adders = new ArrayList<>();
            QueueWorkers workers = workers(sockets, ruleCounts, log, kernel, cuts, adders);
            MetricsServer metrics;
            try {
                metrics = startMetrics(workers, log, ruleCounts);
            } catch (IOException e) {
                workers.closeUnstarted();
                err.println("nfqwall: not started: cannot serve metrics on " + options.observe().metricsAddress() + ": " + e);
                return 1;
            }
            StatsCollector stats = new StatsCollector(workers.lanes().stream()
                    .map(l -> new StatsCollector.QueueSource(l.queue(), l.engine(), l.counters(),
                            () -> StatsCollector.QueueSocketCounters.of(l.socket()), l.worker()::internalErrors))
                    .toList(), log::suppressed, rules::get, Path.of(KernelQueueStats.PROC_FILE));
            ControlServer control;
            try {
                control = ControlServer.start(options.controlSocket(), options.controlGroup(),
                        new ControlCommands(reloader, rules::get, stats::collect, log::info, started,
                                workers.queues(), options.failOpen()).withBlocks(blockCommands));
            } catch (IOException | RuntimeException e) {
                workers.closeUnstarted();
                if (metrics != null) {
                    metrics.close();
                }
                err.println("nfqwall: not started: control socket: " + e.getMessage());
                return 1;
            }
            Signal.handle(new Signal("TERM"), s -> workers.stop());
            Signal.handle(new Signal("INT"), s -> workers.stop());
            Signal.handle(new Signal("HUP"), s -> {
                log.reopen();
                reload(reloader, log);
            });
            QueueSocket first = sockets.get(0);
            boolean forced = sockets.stream().allMatch(QueueSocket::receiveBufferForced);
            log.info(String.format("nfqwall: %s, %s: %s, %s, socket buffer %d KiB%s, control %s",
                    queuesText(workers.queues()), options.rulesFile(), loaded.ruleSet().summary(),
                    options.failOpen() ? "fail-open" : "fail-closed", first.receiveBufferBytes() >> 10,
                    forced ? "" : " (SO_RCVBUFFORCE refused: no CAP_NET_ADMIN; bursts may be lost)",
                    options.controlSocket()));
            if (first.gsoRefusal() != null) {
                log.info("nfqwall: the kernel refused NFQA_CFG_F_GSO (" + first.gsoRefusal()
                        + "): large packets are segmented before they are queued");
            }
            if (metrics != null) {
                log.info("nfqwall: metrics on http://" + hostPort(options.observe().metricsAddress(), metrics.port()) + "/metrics");
            }
            workers.start();
            workers.join();
            adders.forEach(IpsetSteeringAdder::close);
            control.close();
            cuts.shutdown();
            if (metrics != null) {
                metrics.close();
            }
            log.info(summary(workers, log));
            List<String> failures = workers.failures();
            for (String f : failures) {
                err.println("nfqwall: " + f);
            }
            if (!failures.isEmpty()) {
                return 1;
            }
        }
        return 0;
    }

    /**
     * One worker per bound socket, each with an engine, counters and flow table of its own.
     * What they share is read-only per packet (the rule-set and block-set references) or safe from
     * several workers by design: the decision listeners and the block-cut executor.
     */
    private QueueWorkers workers(List<QueueSocket> sockets, RuleDecisionCounts ruleCounts, DecisionLog log,
            KernelBlocks kernel, ExecutorService cuts, List<IpsetSteeringAdder> adders) {
        List<QueueWorkers.Lane> lanes = new ArrayList<>();
        DecisionListener listener = new DecisionListener() {
            @Override
            public void decided(Facts f, Rule rule, Verdict verdict, int mark) {
                decided(f, rule, verdict, mark, Steered.NONE);
            }

            @Override
            public void decided(Facts f, Rule rule, Verdict verdict, int mark, Steered steered) {
                ruleCounts.decided(f, rule, verdict, mark);
                log.decided(f, rule, verdict, mark, steered);
            }
        };
        for (QueueSocket socket : sockets) {
            Counters counters = new Counters();
            Engine engine = new Engine(options.engine(), rules, blocks, counters, new RuleCounters(), listener,
                    steeringAdder(socket.config().queueNumber(), log, adders));
            QueueWorker worker = new QueueWorker(socket, PacketBatch.allocate(socket.config()), engine)
                    .watchBlocks(blocks, (sh, sl, dh, dl, proto, sp, dp, block) -> cuts.execute(() -> {
                        String e = kernel.cut(sh, sl, dh, dl, proto, sp, dp);
                        log.info("nfqwall: " + block + ": cut " + Addresses.format(sh, sl) + ":" + sp + " -> "
                                + Addresses.format(dh, dl) + ":" + dp + (e == null ? "" : " failed: " + e));
                    }));
            lanes.add(new QueueWorkers.Lane(socket.config().queueNumber(), socket, counters, engine, worker));
        }
        return new QueueWorkers(lanes);
    }

    /**
     * The worker's own ipset socket for steering adds. If it cannot be opened the daemon runs on
     * (fail-open) without steering adds, which are counted as failed, and says so.
     */
    private static SteeringAdder steeringAdder(int queue, DecisionLog log, List<IpsetSteeringAdder> adders) {
        try {
            IpsetSteeringAdder adder = new IpsetSteeringAdder(IpsetSocket.open(), log::infoWithoutWaiting);
            adders.add(adder);
            return adder;
        } catch (NfqException e) {
            log.info("nfqwall: queue " + queue + ": " + e.getMessage() + "; nfqwall runs on, deciding as before, but no"
                    + " server address is added to a steering set (counted in steer_add_failed), so connections are not"
                    + " steered from their first packet");
            return SteeringAdder.NONE;
        }
    }

    /**
     * Creates the steering sets of {@code rs} unless they exist (entries kept), off the packet
     * path: at start and before each reload's swap. A failure is logged with what to fix; the
     * daemon runs on (fail-open): decisions are taken as before, only the sets stay empty.
     */
    static void createSteeringSets(KernelBlocks kernel, RuleSet rs, DecisionLog log) {
        List<String> errors = kernel.createSteeringSets(rs);
        List<String> sets = SteeringSets.createCommands(rs).stream().map(c -> c.get(2)).toList();
        if (errors.isEmpty() && !sets.isEmpty()) {
            log.info("nfqwall: steering sets ready: " + String.join(", ", sets));
        }
        for (String e : errors) {
            log.info("nfqwall: cannot create a steering set: " + e + "; nfqwall runs on, but connections to the"
                    + " steered hosts are not marked from their first packet (adds counted in steer_set_missing)."
                    + " Fix: install ipset and give nfqwall CAP_NET_ADMIN, or create the sets with 'nfqwall routing'");
        }
    }

    /** {@code queue 6} for one queue (the form scripts have always read), {@code queues 0-3} for several. */
    static String queuesText(List<Integer> queues) {
        return (queues.size() == 1 ? "queue " : "queues ") + QueueNumbers.format(queues);
    }

    /** The Prometheus endpoint asked for with {@code --metrics}, serving; null when not asked for. */
    private MetricsServer startMetrics(QueueWorkers workers, DecisionLog log, RuleDecisionCounts ruleCounts)
            throws IOException {
        InetSocketAddress address = options.observe().metricsAddress();
        if (address == null) {
            return null;
        }
        List<MetricsServer.QueueSources> queues = workers.lanes().stream()
                .map(l -> new MetricsServer.QueueSources(l.queue(), l.counters(), l.worker().latency(),
                        l.engine()::flowCount, l.engine().flowCapacity(), l.engine()::flowEvictions,
                        l.socket()::enobufs, l.worker()::internalErrors))
                .toList();
        return MetricsServer.start(address, new MetricsServer.Sources(queues, ruleCounts, log::suppressed,
                KernelQueueStats::readAll));
    }

    private static String hostPort(InetSocketAddress address, int port) {
        String host = address.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** SIGHUP: reloads the rules file in force (the last one loaded); keeps the old rules on error. */
    private static void reload(RuleReloader reloader, DecisionLog log) {
        RuleReloader.Outcome o = reloader.reload(null, false);
        if (o.ok()) {
            log.info("nfqwall: reloaded " + o.file() + " (SIGHUP): " + o.ruleSet().summary()
                    + (o.diff().empty() ? ", no change" : ", " + o.diff().lines().size() + " change(s)"));
        } else {
            for (RuleError e : o.errors()) {
                log.info("nfqwall: " + e);
            }
            log.info("nfqwall: reload of " + o.file() + " refused (SIGHUP), " + o.errors().size()
                    + " error(s); keeping the previous rules");
        }
    }

    /** The stop line: every number summed over the queues. */
    private static String summary(QueueWorkers workers, DecisionLog log) {
        Map<Counter, Long> c = workers.merged();
        return String.format("nfqwall: stopped: %d packets, %d flows (%d evicted), %d requests, accept %d, drop %d,"
                        + " reject %d, mark %d, malformed %d, bad checksums %d, enobufs %d, internal errors %d,"
                        + " log lines suppressed %d",
                c.get(Counter.PACKETS), c.get(Counter.FLOWS), workers.flowEvictions(), c.get(Counter.HTTP_REQUESTS),
                c.get(Counter.DECIDED_ACCEPT), c.get(Counter.DECIDED_DROP), c.get(Counter.DECIDED_REJECT),
                c.get(Counter.DECIDED_MARK), c.get(Counter.MALFORMED), c.get(Counter.BAD_CHECKSUMS), workers.enobufs(),
                workers.internalErrors(), log.suppressed());
    }

    private void printErrors(List<RuleError> errors) {
        for (RuleError e : errors) {
            err.println(e);
        }
    }
}
