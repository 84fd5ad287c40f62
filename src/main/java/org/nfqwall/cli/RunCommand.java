package org.nfqwall.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.nfqwall.control.ControlClient;
import org.nfqwall.daemon.Daemon;
import org.nfqwall.daemon.DaemonOptions;
import org.nfqwall.daemon.LogFormat;
import org.nfqwall.daemon.ObservabilityOptions;
import org.nfqwall.daemon.QueueNumbers;
import org.nfqwall.engine.EngineConfig;
import org.nfqwall.flow.BufferPool;
import org.nfqwall.flow.FlowTable;
import org.nfqwall.inspect.http.HttpInspector;
import org.nfqwall.inspect.tls.TlsInspector;
import org.nfqwall.nfq.QueueConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nfqwall run --rules FILE [--queue N | --queues LIST]}: the daemon, in the foreground. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the firewall daemon in the foreground: one worker thread per queue.",
            "Logs one line per decision other than the default accept (JSON by default). SIGHUP (or",
            "nfqwall reload) reloads the rules file and reopens --log-file; nfqwall stats and status ask",
            "it through the control socket. SIGTERM or SIGINT stops it (exit 0)."})
final class RunCommand implements Callable<Integer> {
    @Option(names = "--rules", required = true, paramLabel = "FILE", description = "The YAML rules file.")
    Path rules;

    @Option(names = "--queue", paramLabel = "N", description = "One NFQUEUE number (0-65535).")
    Integer queue;

    @Option(names = "--queues", paramLabel = "LIST",
            description = {"NFQUEUE numbers, one worker thread each: N, A-B or a comma list of those, e.g. 0-3"
                    + " (each once, at most " + QueueNumbers.MAX_QUEUES + "). Feed them with nfqwall iptables --queues A-B.",
                "Default (without --queue): one queue per processor, 0 to nproc-1."})
    String queues;

    @Option(names = "--fail-closed",
            description = "Do not ask the kernel to accept packets when the queue is full (it drops them instead).")
    boolean failClosed;

    @Option(names = "--flows", paramLabel = "N", description = "Most flows tracked, by all queues together (divided"
            + " evenly among them). Default: " + FlowTable.DEFAULT_CAPACITY + ".")
    int flows = FlowTable.DEFAULT_CAPACITY;

    @Option(names = "--flow-idle", paramLabel = "SECONDS",
            description = "Forget a flow idle this long. Default: " + FlowTable.DEFAULT_IDLE_SECONDS + ".")
    int flowIdle = FlowTable.DEFAULT_IDLE_SECONDS;

    @Option(names = "--max-head", paramLabel = "BYTES",
            description = "Largest HTTP request head inspected; larger ones count as protocol unknown. Default: "
                    + HttpInspector.DEFAULT_MAX_HEAD_BYTES + ".")
    int maxHead = HttpInspector.DEFAULT_MAX_HEAD_BYTES;

    @Option(names = "--max-hello", paramLabel = "BYTES",
            description = "Largest TLS/QUIC ClientHello inspected; larger ones are unreadable. Default: "
                    + TlsInspector.DEFAULT_MAX_CLIENT_HELLO_BYTES + ".")
    int maxHello = TlsInspector.DEFAULT_MAX_CLIENT_HELLO_BYTES;

    @Option(names = "--buffer-memory", paramLabel = "MIB",
            description = "Memory for partial request heads and ClientHellos held across segments, by all queues together"
                    + " (divided evenly among them). Default: "
                    + (BufferPool.DEFAULT_BUDGET_BYTES >> 20) + ".")
    long bufferMib = BufferPool.DEFAULT_BUDGET_BYTES >> 20;

    @Option(names = "--queue-length", paramLabel = "PACKETS", description = "Kernel queue length. Default: 8192.")
    Integer queueLength;

    @Option(names = "--socket-buffer", paramLabel = "MIB", description = "Netlink socket receive buffer. Default: 16.")
    Integer socketBufferMib;

    @Option(names = "--control", paramLabel = "PATH", defaultValue = ControlClient.DEFAULT_SOCKET,
            description = "The control socket (reload, stats, status), mode 0600. Default: ${DEFAULT-VALUE}.")
    Path control;

    @Option(names = "--control-group", paramLabel = "NAME",
            description = "Make the control socket mode 0660 with this group: its members may use it too.")
    String controlGroup;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = DaemonOptions.DEFAULT_STATE_DIR,
            description = "Where the timed blocks are kept (blocks.json), across restarts. Default: ${DEFAULT-VALUE}.")
    Path stateDir;

    // Decision log and metrics (README "Decision log", "Metrics").
    @Option(names = "--log-file", paramLabel = "PATH",
            description = "Append decision lines to this file (reopened on SIGHUP, for logrotate). Default: standard output.")
    Path logFile;

    @Option(names = "--log-format", paramLabel = "json|text", defaultValue = "json",
            converter = LogFormatConverter.class,
            description = "json: one EVE-like JSON object per line; text: one line for people. Default: ${DEFAULT-VALUE}.")
    LogFormat logFormat;

    @Option(names = "--log-all", description = "Log every decision, default accepts too.")
    boolean logAll;

    @Option(names = "--log-rate", paramLabel = "N",
            description = "Most decision lines a second; more are counted as suppressed (0: no limit). Default: "
                    + ObservabilityOptions.DEFAULT_LOG_RATE + ".")
    int logRate = ObservabilityOptions.DEFAULT_LOG_RATE;

    @Option(names = "--metrics", paramLabel = "HOST:PORT",
            description = "Serve Prometheus metrics at http://HOST:PORT/metrics, e.g. 127.0.0.1:9469. Default: off.")
    String metrics;

    static final class LogFormatConverter implements CommandLine.ITypeConverter<LogFormat> {
        @Override
        public LogFormat convert(String value) {
            try {
                return LogFormat.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("expected json or text, got \"" + value + "\"");
            }
        }
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        QueueNumbers numbers;
        List<QueueConfig> configs = new ArrayList<>();
        EngineConfig e;
        ObservabilityOptions observe;
        try {
            numbers = queueNumbers();
            int n = numbers.size();
            if (flows < n || flowIdle < 1) {
                throw new IllegalArgumentException("--flows must be at least the number of queues (" + n
                        + ") and --flow-idle at least 1");
            }
            // Each queue's engine gets its share: the options bound the daemon's memory as a whole,
            // and the kernel hashes flows to queues, so the shares fill about evenly.
            e = new EngineConfig(flows / n, flowIdle, maxHead, maxHello, (bufferMib << 20) / n, true);
            observe = new ObservabilityOptions(logFile, logFormat, logAll, logRate,
                    metrics == null ? null : ObservabilityOptions.parseAddress(metrics));
        } catch (IllegalArgumentException ex) {
            throw new CommandLine.ParameterException(spec.commandLine(), ex.getMessage());
        }
        for (int i = 0; i < numbers.size(); i++) {
            configs.add(queueConfig(numbers.get(i), copyRange(e)));
        }
        PrintStream out = System.out;
        return new Daemon(new DaemonOptions(rules, configs, e, observe, control, controlGroup, stateDir), out,
                System.err).run();
    }

    /** {@code --queue N}, {@code --queues LIST}, or one queue per processor from 0. */
    private QueueNumbers queueNumbers() {
        if (queue != null && queues != null) {
            throw new IllegalArgumentException("--queue and --queues both given; use one (--queue N is --queues N)");
        }
        if (queue != null) {
            return QueueNumbers.of(queue);
        }
        if (queues != null) {
            try {
                return QueueNumbers.parse(queues);
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("--queues: " + ex.getMessage(), ex);
            }
        }
        return QueueNumbers.range(0, Math.min(QueueNumbers.MAX_QUEUES, Runtime.getRuntime().availableProcessors()));
    }

    /** The one place a queue's socket settings are made from the options: the same for every queue. */
    private QueueConfig queueConfig(int number, int copyRange) {
        QueueConfig d = QueueConfig.defaults(number);
        return new QueueConfig(number, copyRange,
                socketBufferMib != null ? socketBufferMib << 20 : d.socketReceiveBufferBytes(),
                queueLength != null ? queueLength : d.maxQueueLength(), !failClosed, d.batchSize(),
                d.receiveTimeoutMillis());
    }

    /**
     * The queue's copy range for these inspection limits: every header byte the decoder reads and
     * the most payload inspection holds ({@link EngineConfig#packetBytesInspected()}), at most the
     * kernel's {@value QueueConfig#MAX_COPY_RANGE}. With the defaults, 33892 bytes: whole packets
     * up to that size, and GSO super-packets cut there. The one place the range is chosen.
     */
    static int copyRange(EngineConfig engine) {
        return Math.min(engine.packetBytesInspected(), QueueConfig.MAX_COPY_RANGE);
    }
}
