package org.nfqwall.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.nfqwall.gen.RoutingScript;
import org.nfqwall.rules.RuleSet;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nfqwall routing --rules FILE [--remove]}: prints the sh script of the marks' policy routing. */
@Command(name = "routing", mixinStandardHelpOptions = true,
        description = {"Print the sh script that creates the steering ipsets and, for each mark with a table, the"
                + " ip rule fwmark and the table's default route, for IPv4 and IPv6.",
            "Apply:  nfqwall routing --rules rules.yaml | sh   (before the iptables ruleset that uses the sets)",
            "Remove: the same plus --remove, after removing the iptables ruleset."},
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {"0:printed", "1:the rules file has errors (each as FILE:LINE:COL), or no mark has a table or"
                + " steers", "2:usage"})
final class RoutingCommand implements Callable<Integer> {
    @Option(names = "--rules", required = true, paramLabel = "FILE", description = "The YAML rules file with the marks.")
    Path rules;

    @Option(names = "--remove", description = "Print the script that removes the rules, routes and sets again.")
    boolean remove;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        RuleSet ruleSet = RulesFile.load(rules, err);
        if (ruleSet == null) {
            return Main.EXIT_INVALID;
        }
        if (!RoutingScript.hasWork(ruleSet)) {
            err.println(rules + ": no mark has a table or steers, nothing to route; expected a mark like"
                    + " vpn: {value: 0x10, table: 100, via: 10.8.0.1, dev: wg0}");
            err.flush();
            return Main.EXIT_INVALID;
        }
        String file = rules.toString();
        PrintWriter out = spec.commandLine().getOut();
        out.print(remove ? RoutingScript.remove(file, ruleSet) : RoutingScript.apply(file, ruleSet));
        out.flush();
        return 0;
    }
}
