package org.nfqwall.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code nfqwall u32 ...}: generators of u32 matches; one subcommand per protocol. */
@Command(name = "u32", mixinStandardHelpOptions = true,
        description = "Print u32 matches that iptables and tc cannot express by name.",
        subcommands = {U32GreCommand.class})
final class U32Command implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: gre");
    }
}
