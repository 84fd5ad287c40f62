package org.nfqwall.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.nfqwall.control.ControlRequest;
import org.nfqwall.control.ControlResponse;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nfqwall unblock ID} or {@code nfqwall unblock --src ... [--dst ...] [--host ...]}: ends a block early. */
@Command(name = "unblock", mixinStandardHelpOptions = true,
        description = {"End a timed block now: by its id (see nfqwall blocks) or by exactly its selectors.", ""},
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {"0:removed", "1:no such block", "2:usage", "3:cannot reach the daemon"})
final class UnblockCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "ID", description = "The block's id.")
    Long id;

    @Option(names = "--src", paramLabel = "ADDR|CIDR")
    String src;

    @Option(names = "--dst", paramLabel = "ADDR|CIDR")
    String dst;

    @Option(names = "--host", paramLabel = "NAME")
    String host;

    @Mixin
    DaemonCall daemon;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws DaemonCall.UnreachableException {
        boolean selectors = src != null || dst != null || host != null;
        if ((id == null) == !selectors) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "give either the block's ID or its selectors (--src, --dst, --host), not both");
        }
        ControlResponse r = daemon.call(id != null ? ControlRequest.unblock(id) : ControlRequest.unblock(src, dst, host));
        if (!r.ok()) {
            BlocksCommand.printErrors(spec.commandLine().getErr(), r);
            return Main.EXIT_INVALID;
        }
        if (r.fields().get("removed") instanceof List<?> removed) {
            for (Object b : removed) {
                spec.commandLine().getOut().println("removed: " + BlocksCommand.line(b));
            }
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
