package org.nfqwall.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.nfqwall.control.ControlRequest;
import org.nfqwall.control.ControlResponse;
import org.nfqwall.control.ProtocolException;
import org.nfqwall.control.RuleSetDiff;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code nfqwall reload [--rules FILE] [--dry-run]}: asks the running daemon to load, validate,
 * compile and swap in its rules file (or FILE, which then becomes the file SIGHUP reloads);
 * prints what changed, or every error (exit 1, the daemon keeps its rules).
 */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = {"Reload the running daemon's rules: load, validate and compile, then swap them in atomically.",
            "A file with errors is refused: every error is printed as FILE:LINE:COL and the rules in force stay.",
            "Flows already decided keep their decision; flows still under inspection are decided by the new rules.",
            "Prints what changed: rules added (+), removed (-) and changed (~), by name.", ""},
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {"0:reloaded (or, with --dry-run, valid)", "1:the file has errors; nothing changed",
            "2:usage", "3:cannot reach the daemon"})
final class ReloadCommand implements Callable<Integer> {
    @Option(names = "--rules", paramLabel = "FILE",
            description = "Load this file instead of the one in force; it becomes the file SIGHUP reloads.")
    Path rules;

    @Option(names = "--dry-run", description = "Load and compare with the rules in force; change nothing.")
    boolean dryRun;

    @Mixin
    DaemonCall daemon;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws DaemonCall.UnreachableException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String file = rules == null ? null : rules.toAbsolutePath().normalize().toString();
        ControlResponse r = daemon.call(ControlRequest.reload(file, dryRun));
        String loaded = r.string("rules_file") != null ? r.string("rules_file") : String.valueOf(file);
        if (!r.ok()) {
            r.errors().forEach(err::println);
            err.println(loaded + ": " + r.errors().size() + " error(s); the daemon keeps the rules in force");
            err.flush();
            return Main.EXIT_INVALID;
        }
        RuleSetDiff diff;
        try {
            diff = RuleSetDiff.fromJsonMap(r.fields().get("diff"));
        } catch (ProtocolException e) {
            err.println("nfqwall: the daemon's answer has no readable diff: " + e.getMessage());
            return Main.EXIT_INVALID;
        }
        if (dryRun) {
            out.println(loaded + ": ok, " + r.string("rules_summary") + " (dry run: the rules in force are unchanged)");
            out.println(diff.empty() ? "no change against the rules in force" : "changes against the rules in force:");
        } else {
            out.println("reloaded " + loaded + ": " + r.string("rules_summary"));
            if (diff.empty()) {
                out.println("no change");
            }
        }
        diff.lines().forEach(out::println);
        out.flush();
        return 0;
    }
}
