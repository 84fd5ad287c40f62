package org.nfqwall.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.nfqwall.control.ControlClient;
import org.nfqwall.daemon.Daemon;
import org.nfqwall.daemon.DaemonOptions;
import org.nfqwall.daemon.LogFormat;
import org.nfqwall.daemon.ObservabilityOptions;
import org.nfqwall.engine.EngineConfig;
import org.nfqwall.flow.BufferPool;
import org.nfqwall.flow.FlowTable;
import org.nfqwall.inspect.http.HttpInspector;
import org.nfqwall.inspect.tls.TlsInspector;
import org.nfqwall.nfq.QueueConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nfqwall run --rules FILE --queue N}: the daemon, in the foreground. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the firewall daemon on one queue, in the foreground.",
            "Logs one line per decision other than the default accept (JSON by default). SIGHUP (or",
            "nfqwall reload) reloads the rules file and reopens --log-file; nfqwall stats and status ask",
            "it through the control socket. SIGTERM or SIGINT stops it (exit 0)."})
final class RunCommand implements Callable<Integer> {
    @Option(names = "--rules", required = true, paramLabel = "FILE", description = "The YAML rules file.")
    Path rules;

    @Option(names = "--queue", defaultValue = "0", paramLabel = "N", description = "NFQUEUE number. Default: ${DEFAULT-VALUE}.")
    int queue;

    @Option(names = "--fail-closed",
            description = "Do not ask the kernel to accept packets when the queue is full (it drops them instead).")
    boolean failClosed;

    @Option(names = "--flows", paramLabel = "N", description = "Most flows tracked. Default: " + FlowTable.DEFAULT_CAPACITY + ".")
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
            description = "Memory for partial request heads and ClientHellos held across segments. Default: "
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
        EngineConfig e;
        ObservabilityOptions observe;
        try {
            if (flows < 1 || flowIdle < 1) {
                throw new IllegalArgumentException("--flows and --flow-idle must be at least 1");
            }
            e = new EngineConfig(flows, flowIdle, maxHead, maxHello, bufferMib << 20, true);
            observe = new ObservabilityOptions(logFile, logFormat, logAll, logRate,
                    metrics == null ? null : ObservabilityOptions.parseAddress(metrics));
        } catch (IllegalArgumentException ex) {
            throw new CommandLine.ParameterException(spec.commandLine(), ex.getMessage());
        }
        QueueConfig d = QueueConfig.defaults(queue);
        QueueConfig q = new QueueConfig(queue, copyRange(e),
                socketBufferMib != null ? socketBufferMib << 20 : d.socketReceiveBufferBytes(),
                queueLength != null ? queueLength : d.maxQueueLength(), !failClosed, d.batchSize(),
                d.receiveTimeoutMillis());
        PrintStream out = System.out;
        return new Daemon(new DaemonOptions(rules, q, e, observe, control, controlGroup, stateDir), out, System.err).run();
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
