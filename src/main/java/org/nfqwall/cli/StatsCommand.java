package org.nfqwall.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.nfqwall.control.ControlClient;
import org.nfqwall.control.ControlRequest;
import org.nfqwall.control.ControlResponse;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code nfqwall stats [--json] [--watch [SECONDS]]}: the running daemon's counters, once or
 * refreshed in place like {@code top} until Ctrl-C.
 */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = {"The running daemon's statistics: per rule (decisions, and the packets and bytes that carried"
                + " them), per verdict, flows, engine and queue-socket counters, and the kernel's counters of each"
                + " queue (/proc/net/netfilter/nfnetlink_queue in the daemon's network namespace).",
            "Packets of connections decided for good are handled in the kernel and never reach nfqwall: they are"
                + " not in these counts (iptables -v shows them).", ""},
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {"0:ok (--watch: until interrupted)", "2:usage", "3:cannot reach the daemon"})
final class StatsCommand implements Callable<Integer> {
    /** Seconds between refreshes when {@code --watch} has no value: {@value}. */
    static final int DEFAULT_WATCH_SECONDS = 2;
    private static final String CLEAR_HOME = "\033[H\033[2J";

    @Option(names = "--json", description = "One JSON object per refresh, as the daemon sends it (for scripts).")
    boolean json;

    @Option(names = "--watch", arity = "0..1", paramLabel = "SECONDS", fallbackValue = "" + DEFAULT_WATCH_SECONDS,
            description = "Refresh every SECONDS (default " + DEFAULT_WATCH_SECONDS + ") until Ctrl-C.")
    Integer watch;

    @Option(names = "--count", paramLabel = "N", hidden = true, description = "With --watch: stop after N refreshes.")
    int count;

    @Mixin
    DaemonCall daemon;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws DaemonCall.UnreachableException {
        PrintWriter out = spec.commandLine().getOut();
        if (watch != null && (watch < 1 || watch > 3600)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--watch SECONDS must be 1..3600, got " + watch);
        }
        boolean tty = System.console() != null && !json;
        try (ControlClient client = daemon.connect()) {
            for (int n = 1; ; n++) {
                ControlResponse r = daemon.send(client, ControlRequest.stats());
                if (json) {
                    out.println(r.toJson());
                } else if (tty && watch != null) {
                    out.print(CLEAR_HOME + StatsView.render(r));
                } else {
                    out.print(StatsView.render(r) + (watch != null ? "\n" : ""));
                }
                out.flush();
                if (watch == null || (count > 0 && n >= count)) {
                    return 0;
                }
                Thread.sleep(watch * 1000L);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
