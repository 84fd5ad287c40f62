package org.nfqwall.daemon;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.nfqwall.control.RuleSetDiff;
import org.nfqwall.rules.RuleError;
import org.nfqwall.rules.RuleLoadResult;
import org.nfqwall.rules.RuleSet;
import org.nfqwall.rules.RulesLoader;

/**
 * Reloads the rules: load, validate and compile a file off the packet path, then swap the rule
 * set reference the engine reads. A file with errors never replaces the rules in force.
 *
 * <p>Called from the signal thread (SIGHUP) and control-socket threads; reloads are serialised.
 * The engine reads the reference once per decision, so flows already decided keep their decision
 * and flows under inspection are decided by the new rules from the swap on.
 */
public final class RuleReloader {
    private final AtomicReference<RuleSet> rules;
    private volatile Path file;
    private volatile Consumer<RuleSet> beforeSwap = rs -> { };

    /**
     * What one reload did.
     *
     * @param file the file loaded
     * @param errors every error in it (empty when it loaded)
     * @param ruleSet the compiled rules, or null when there are errors
     * @param diff what the new rules change against the rules that were in force, or null
     * @param applied whether the rules were swapped in (false for errors and dry runs)
     */
    public record Outcome(Path file, List<RuleError> errors, RuleSet ruleSet, RuleSetDiff diff, boolean applied) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    public RuleReloader(AtomicReference<RuleSet> rules, Path file) {
        this.rules = rules;
        this.file = file;
    }

    /**
     * Runs {@code action} with each new rule set just before it is swapped in (not for dry runs or
     * files with errors), on the reloading thread: for kernel state the new rules need, such as
     * their steering sets. It must not throw; what fails is its to report.
     */
    public RuleReloader beforeSwap(Consumer<RuleSet> action) {
        this.beforeSwap = action;
        return this;
    }

    /** The file SIGHUP reloads. */
    public Path file() {
        return file;
    }

    /**
     * Loads {@code newFile} (null: the file in force) and, unless {@code dryRun} or it has errors,
     * swaps it in and makes it the file later reloads read.
     */
    public synchronized Outcome reload(Path newFile, boolean dryRun) {
        Path target = newFile != null ? newFile : file;
        RuleLoadResult result = RulesLoader.load(target);
        if (!result.ok()) {
            return new Outcome(target, result.errors(), null, null, false);
        }
        RuleSetDiff diff = RuleSetDiff.between(rules.get(), result.ruleSet());
        if (dryRun) {
            return new Outcome(target, List.of(), result.ruleSet(), diff, false);
        }
        beforeSwap.accept(result.ruleSet());
        rules.set(result.ruleSet());
        file = target;
        return new Outcome(target, List.of(), result.ruleSet(), diff, true);
    }
}
