package org.nfqwall.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.nfqwall.rules.RuleError;
import org.nfqwall.rules.RuleLoadResult;
import org.nfqwall.rules.RuleSet;
import org.nfqwall.rules.RulesLoader;

/** Loads the rules file of a generator command, reporting errors the way {@code nfqwall check} does. */
final class RulesFile {
    private RulesFile() {
    }

    /**
     * The rule set in {@code file}, or null after printing every error as FILE:LINE:COL and a
     * count to {@code err} (the command then exits with {@link Main#EXIT_INVALID}).
     */
    static RuleSet load(Path file, PrintWriter err) {
        RuleLoadResult result = RulesLoader.load(file);
        if (result.ok()) {
            return result.ruleSet();
        }
        for (RuleError e : result.errors()) {
            err.println(e);
        }
        err.println(file + ": " + result.errors().size() + " error(s)");
        err.flush();
        return null;
    }
}
