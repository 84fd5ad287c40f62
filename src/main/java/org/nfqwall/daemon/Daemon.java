package org.nfqwall.daemon;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.nfqwall.engine.Engine;
import org.nfqwall.nfq.NfqException;
import org.nfqwall.nfq.PacketBatch;
import org.nfqwall.nfq.QueueSocket;
import org.nfqwall.rules.Addresses;
import org.nfqwall.rules.BlockSet;
import org.nfqwall.rules.RuleError;
import org.nfqwall.rules.RuleLoadResult;
import org.nfqwall.rules.RuleSet;
import org.nfqwall.rules.RulesLoader;
import org.nfqwall.stats.Counter;
import org.nfqwall.stats.Counters;
import org.nfqwall.stats.KernelQueueStats;
import org.nfqwall.stats.RuleCounters;
import sun.misc.Signal;

/**
 * The {@code nfqwall run} process: loads the rules, opens the decision log, binds the queue, serves
 * metrics when asked, runs the worker, reloads the rules (and reopens the log file) on SIGHUP or a
 * control-socket request, answers statistics and status on the control socket, and
 * stops cleanly on SIGTERM or SIGINT (exit 0).
 *
 * <p>The worker runs on its own thread; signals only set flags or swap the rule-set reference,
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
    private final Counters counters = new Counters();

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
        QueueSocket socket;
        try {
            socket = QueueSocket.open(options.queue());
        } catch (NfqException | RuntimeException | LinkageError e) {
            log.close();
            err.println("nfqwall: " + e.getMessage());
            return 1;
        }
        try (log) {
            RuleDecisionCounts ruleCounts = new RuleDecisionCounts();
            KernelBlocks kernel = KernelBlocks.system();
            BlockCommands blockCommands = new BlockCommands(blocks, new BlockStore(options.stateDir()), kernel, log::info,
                    System::currentTimeMillis);
            try {
                blockCommands.restore();
            } catch (IOException e) {
                socket.close();
                err.println("nfqwall: not started: timed blocks: " + e.getMessage());
                return 1;
            }
            // Cutting a flow runs a command: on a thread of its own, never on the packet path.
            ExecutorService cuts = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "nfqwall-block-cuts");
                t.setDaemon(true);
                return t;
            });
            Engine engine = new Engine(options.engine(), rules, blocks, counters, new RuleCounters(), (f, rule, verdict, mark) -> {
                ruleCounts.decided(f, rule, verdict, mark);
                log.decided(f, rule, verdict, mark);
            });
            QueueWorker worker = new QueueWorker(socket, PacketBatch.allocate(options.queue()), engine)
                    .watchBlocks(blocks, (sh, sl, dh, dl, proto, sp, dp, block) -> cuts.execute(() -> {
                        String e = kernel.cut(sh, sl, dh, dl, proto, sp, dp);
                        log.info("nfqwall: " + block + ": cut " + Addresses.format(sh, sl) + ":" + sp + " -> "
                                + Addresses.format(dh, dl) + ":" + dp + (e == null ? "" : " failed: " + e));
                    }));
            MetricsServer metrics;
            try {
                metrics = startMetrics(engine, worker, log, ruleCounts);
            } catch (IOException e) {
                socket.close();
                err.println("nfqwall: not started: cannot serve metrics on " + options.observe().metricsAddress() + ": " + e);
                return 1;
            }
            Thread thread = new Thread(worker, "nfqwall-queue-" + options.queue().queueNumber());
            StatsCollector stats = new StatsCollector(engine, counters,
                    () -> StatsCollector.QueueSocketCounters.of(socket), worker::internalErrors, log::suppressed,
                    rules::get, Path.of(KernelQueueStats.PROC_FILE));
            ControlServer control;
            try {
                control = ControlServer.start(options.controlSocket(), options.controlGroup(),
                        new ControlCommands(reloader, rules::get, stats::collect, log::info, started,
                                options.queue().queueNumber(), options.queue().failOpen()).withBlocks(blockCommands));
            } catch (IOException | RuntimeException e) {
                socket.close();
                if (metrics != null) {
                    metrics.close();
                }
                err.println("nfqwall: not started: control socket: " + e.getMessage());
                return 1;
            }
            Signal.handle(new Signal("TERM"), s -> worker.stop());
            Signal.handle(new Signal("INT"), s -> worker.stop());
            Signal.handle(new Signal("HUP"), s -> {
                log.reopen();
                reload(reloader, log);
            });
            log.info(String.format("nfqwall: queue %d, %s: %s, %s, socket buffer %d KiB%s, control %s",
                    options.queue().queueNumber(), options.rulesFile(), loaded.ruleSet().summary(),
                    options.queue().failOpen() ? "fail-open" : "fail-closed", socket.receiveBufferBytes() >> 10,
                    socket.receiveBufferForced() ? "" : " (SO_RCVBUFFORCE refused: no CAP_NET_ADMIN; bursts may be lost)",
                    options.controlSocket()));
            if (socket.gsoRefusal() != null) {
                log.info("nfqwall: the kernel refused NFQA_CFG_F_GSO (" + socket.gsoRefusal()
                        + "): large packets are segmented before they are queued");
            }
            if (metrics != null) {
                log.info("nfqwall: metrics on http://" + hostPort(options.observe().metricsAddress(), metrics.port()) + "/metrics");
            }
            thread.start();
            joinUninterruptibly(thread);
            control.close();
            cuts.shutdown();
            if (metrics != null) {
                metrics.close();
            }
            log.info(summary(engine, worker, log));
            if (worker.failure() != null) {
                err.println("nfqwall: queue " + options.queue().queueNumber() + " stopped: " + worker.failure().getMessage());
                return 1;
            }
        }
        return 0;
    }

    /** The Prometheus endpoint asked for with {@code --metrics}, serving; null when not asked for. */
    private MetricsServer startMetrics(Engine engine, QueueWorker worker, DecisionLog log, RuleDecisionCounts ruleCounts)
            throws IOException {
        InetSocketAddress address = options.observe().metricsAddress();
        if (address == null) {
            return null;
        }
        return MetricsServer.start(address, new MetricsServer.Sources(options.queue().queueNumber(), counters,
                ruleCounts, worker.latency(), engine::flowCount, options.engine().flowCapacity(),
                engine::flowEvictions, worker.socket()::enobufs, worker::internalErrors, log::suppressed,
                KernelQueueStats::read));
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

    private String summary(Engine engine, QueueWorker worker, DecisionLog log) {
        Map<Counter, Long> c = Counters.merge(List.of(counters));
        QueueSocket s = worker.socket();
        return String.format("nfqwall: stopped: %d packets, %d flows (%d evicted), %d requests, accept %d, drop %d,"
                        + " reject %d, mark %d, malformed %d, bad checksums %d, enobufs %d, internal errors %d,"
                        + " log lines suppressed %d",
                c.get(Counter.PACKETS), c.get(Counter.FLOWS), engine.flowEvictions(), c.get(Counter.HTTP_REQUESTS),
                c.get(Counter.DECIDED_ACCEPT), c.get(Counter.DECIDED_DROP), c.get(Counter.DECIDED_REJECT),
                c.get(Counter.DECIDED_MARK), c.get(Counter.MALFORMED), c.get(Counter.BAD_CHECKSUMS), s.enobufs(),
                worker.internalErrors(), log.suppressed());
    }

    private void printErrors(List<RuleError> errors) {
        for (RuleError e : errors) {
            err.println(e);
        }
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
