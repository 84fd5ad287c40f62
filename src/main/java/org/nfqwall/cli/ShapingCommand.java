package org.nfqwall.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.nfqwall.gen.ShapingScript;
import org.nfqwall.rules.BadValueException;
import org.nfqwall.rules.DeviceNames;
import org.nfqwall.rules.RuleSet;
import org.nfqwall.rules.TcRate;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nfqwall shaping --rules FILE --dev DEV --rate RATE [--remove]}: prints the tc script of the shaped marks. */
@Command(name = "shaping", mixinStandardHelpOptions = true,
        description = {"Print the sh script of tc commands that shape what leaves DEV: an HTB root, a class at the link"
                + " rate, a class per mark with shape: fed by a cls_bpf filter on the mark, and a default class for the rest.",
            "Apply:  nfqwall shaping --rules rules.yaml --dev eth1 --rate 100mbit | sh",
            "Remove: the same plus --remove (tc qdisc del dev DEV root)."},
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {"0:printed", "1:the rules file has errors (each as FILE:LINE:COL), no mark has a shape, or the"
                + " shapes do not fit the link rate", "2:usage"})
final class ShapingCommand implements Callable<Integer> {
    @Option(names = "--rules", required = true, paramLabel = "FILE", description = "The YAML rules file with the marks.")
    Path rules;

    @Option(names = "--dev", required = true, paramLabel = "DEV", description = "The device whose egress is shaped.")
    String dev;

    @Option(names = "--rate", required = true, paramLabel = "RATE",
            description = "The link rate, as tc reads it: 100mbit, 1gbit, 500kbit (a unit is required).")
    String rate;

    @Option(names = "--remove", description = "Print the script that removes the shaping again.")
    boolean remove;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        long linkBits;
        try {
            linkBits = TcRate.parseBits(rate);
        } catch (BadValueException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rate: " + e.getMessage());
        }
        if (!DeviceNames.isValid(dev)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--dev \"" + dev + "\" is not a device name; "
                    + DeviceNames.EXPECTED);
        }
        PrintWriter err = spec.commandLine().getErr();
        RuleSet ruleSet = RulesFile.load(rules, err);
        if (ruleSet == null) {
            return Main.EXIT_INVALID;
        }
        ShapingScript script;
        try {
            script = new ShapingScript(rules.toString(), ruleSet, dev, rate.strip(), linkBits);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.flush();
            return Main.EXIT_INVALID;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(remove ? script.remove() : script.apply());
        out.flush();
        return 0;
    }
}
