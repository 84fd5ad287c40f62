package org.nfqwall.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.nfqwall.control.ControlRequest;
import org.nfqwall.control.ControlResponse;
import org.nfqwall.rules.BlockDuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code nfqwall block --src CIDR [--dst CIDR] [--host NAME] --for 10m [--reason TEXT]}: a timed block. */
@Command(name = "block", mixinStandardHelpOptions = true,
        description = {"Drop traffic from an address, to an address and/or for a host name, for a while.",
            "Takes effect within a second, for new and existing flows, and ends by itself.", ""},
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {"0:blocked", "1:refused (bad selector)", "2:usage", "3:cannot reach the daemon"})
final class BlockCommand implements Callable<Integer> {
    @Option(names = "--src", paramLabel = "ADDR|CIDR", description = "Source address or prefix.")
    String src;

    @Option(names = "--dst", paramLabel = "ADDR|CIDR", description = "Destination address or prefix.")
    String dst;

    @Option(names = "--host", paramLabel = "NAME", description = "Host name (HTTP Host or TLS/QUIC SNI), or *.NAME for the names under it.")
    String host;

    @Option(names = "--for", required = true, paramLabel = "DURATION", description = "How long: 30s, 10m, 2h, 1d (at most 24d).")
    String duration;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, shown by nfqwall blocks.")
    String reason;

    @Mixin
    DaemonCall daemon;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws DaemonCall.UnreachableException {
        if (src == null && dst == null && host == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give at least one of --src, --dst and --host");
        }
        long seconds;
        try {
            seconds = BlockDuration.parseSeconds(duration);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--for: " + e.getMessage());
        }
        ControlResponse r = daemon.call(ControlRequest.block(src, dst, host, seconds, reason));
        if (!r.ok()) {
            BlocksCommand.printErrors(spec.commandLine().getErr(), r);
            return Main.EXIT_INVALID;
        }
        Object b = r.fields().get("block");
        spec.commandLine().getOut().println("blocked: " + BlocksCommand.line(b));
        if (r.fields().get("warnings") instanceof List<?> warnings) {
            for (Object w : warnings) {
                spec.commandLine().getErr().println("nfqwall: warning: " + w);
            }
        }
        spec.commandLine().getOut().flush();
        spec.commandLine().getErr().flush();
        return 0;
    }
}
