package org.nfqwall.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code nfqwall}: the entry point; dispatches to one class per subcommand.
 *
 * <p>Exit codes: 0 ok, 1 invalid input (rules with errors, a queue that cannot be bound),
 * 2 usage (unknown option or command), 3 cannot reach the daemon (reload, stats, status),
 * 4 warnings only ({@code check --lint}).
 */
@Command(name = "nfqwall", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Application-layer firewall behind iptables NFQUEUE: HTTP host and URL rules.",
        subcommands = {CheckCommand.class, ExplainCommand.class, IptablesCommand.class, RoutingCommand.class,
            ShapingCommand.class, RunCommand.class,
            ReloadCommand.class, StatsCommand.class, StatusCommand.class, BlockCommand.class, UnblockCommand.class,
            BlocksCommand.class, U32Command.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** Exit code for input the user must fix (a rules file with errors, say). */
    public static final int EXIT_INVALID = 1;
    /** Exit code when the daemon's control socket cannot be reached (or refuses us). */
    public static final int EXIT_UNREACHABLE = 3;
    /** Exit code of {@code check --lint} for a valid file with warnings (so scripts tell them from errors). */
    public static final int EXIT_WARNINGS = 4;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs a command line with the given writers; returns the exit code (tests call this). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cmd = new CommandLine(new Main());
        cmd.setOut(out);
        cmd.setErr(err);
        // Every command that talks to the daemon ends the same way when there is no answer.
        cmd.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof DaemonCall.UnreachableException unreachable) {
                return DaemonCall.unreachable(command.getErr(), unreachable);
            }
            throw e;
        });
        return cmd.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: check, explain, iptables, routing,"
                + " shaping, run, reload, stats, status, block, unblock, blocks or u32");
    }
}
