package org.nfqwall.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.nfqwall.rules.LintWarning;
import org.nfqwall.rules.RuleLint;
import org.nfqwall.rules.RuleSet;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nfqwall check [--lint] FILE}: prints every error as FILE:LINE:COL, or FILE:LINE in a list file (exit 1), or a summary
 * (exit 0); with {@code --lint}, also the warnings of {@link RuleLint} (exit 4 when there are any).
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Check a rules file: every error as FILE:LINE:COL, or FILE:LINE in a list file (exit 1), or a one-line summary when it is "
                + "valid (exit 0).",
            "With --lint, a valid file is also searched for rules that duplicate an earlier rule, can never match, "
                + "or overlap an earlier broader rule that gives the overlap another verdict, and for unused groups "
                + "and marks: each is printed on standard error as FILE:LINE:COL: warning: ..., and the exit status "
                + "is 4, so scripts can tell warnings from errors.",
            ""},
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {"0:valid (with --lint: and no warnings)", "1:errors (with --lint: lint does not run)",
            "2:usage", "4:--lint only: valid, but with warnings"})
final class CheckCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The YAML rules file.")
    Path file;

    @Option(names = "--lint", description = "Also warn about duplicate, dead and conflicting rules, unused groups and marks.")
    boolean lint;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        RuleSet ruleSet = RulesFile.load(file, err);
        if (ruleSet == null) {
            return Main.EXIT_INVALID;
        }
        String summary = file + ": ok, " + ruleSet.summary();
        if (!lint) {
            spec.commandLine().getOut().println(summary);
            return 0;
        }
        List<LintWarning> warnings;
        try {
            warnings = RuleLint.lint(ruleSet, file);
        } catch (IOException e) {
            err.println(file + ": cannot read the rules file again for --lint: " + e.getMessage());
            return Main.EXIT_INVALID;
        }
        warnings.forEach(err::println);
        err.flush();
        spec.commandLine().getOut().println(summary + ", " + (warnings.isEmpty() ? "no warnings"
                : warnings.size() + (warnings.size() == 1 ? " warning" : " warnings")));
        return warnings.isEmpty() ? 0 : Main.EXIT_WARNINGS;
    }
}
