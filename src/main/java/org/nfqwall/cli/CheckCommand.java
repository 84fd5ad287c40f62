package org.nfqwall.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.nfqwall.rules.RuleError;
import org.nfqwall.rules.RuleLoadResult;
import org.nfqwall.rules.RulesLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code nfqwall check FILE}: prints every error as FILE:LINE:COL (exit 1), or a summary (exit 0). */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Check a rules file: every error as FILE:LINE:COL, exit 1; a one-line summary and exit 0 when valid.")
final class CheckCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The YAML rules file.")
    Path file;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        RuleLoadResult result = RulesLoader.load(file);
        if (!result.ok()) {
            PrintWriter err = spec.commandLine().getErr();
            for (RuleError e : result.errors()) {
                err.println(e);
            }
            err.println(file + ": " + result.errors().size() + " error(s)");
            return Main.EXIT_INVALID;
        }
        spec.commandLine().getOut().println(file + ": ok, " + result.ruleSet().summary());
        return 0;
    }
}
