package org.nfqwall.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.nfqwall.gen.IptablesOptions;
import org.nfqwall.gen.IptablesRuleset;
import org.nfqwall.gen.PortRange;
import org.nfqwall.rules.MarkBits;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nfqwall iptables ...}: prints the iptables-restore document that feeds the daemon. */
@Command(name = "iptables", mixinStandardHelpOptions = true,
        description = {"Print the iptables-restore rules that send traffic to the queue and act on verdicts.",
            "Apply:  nfqwall iptables --queue 10 --chain FORWARD --ports 80 | iptables-legacy-restore --noflush",
            "Remove: the same options plus --remove, piped the same way."})
final class IptablesCommand implements Callable<Integer> {
    @Option(names = "--queue", required = true, paramLabel = "N", description = "NFQUEUE number (0-65535).")
    int queue;

    @Option(names = "--chain", defaultValue = "FORWARD", paramLabel = "CHAIN",
            description = "FORWARD (a gateway), INPUT (a server) or OUTPUT (a client). Default: ${DEFAULT-VALUE}.")
    String chain;

    @Option(names = "--ports", defaultValue = "80", paramLabel = "LIST",
            description = "Destination TCP ports to inspect, e.g. 80,8080,8000-8100. Default: ${DEFAULT-VALUE}.")
    String ports;

    @Option(names = "--udp-ports", paramLabel = "LIST",
            description = "Destination UDP ports to inspect too (QUIC: 443), e.g. 443,8443. Default: none.")
    String udpPorts;

    @Option(names = "--queue-acks",
            description = "Queue data-less TCP ACKs too, instead of accepting them before the queue.")
    boolean queueAcks;

    @Option(names = "--ipv6", description = "Print the ip6tables-restore document instead.")
    boolean ipv6;

    @Option(names = "--fail-closed", description = "No --queue-bypass: without a running daemon, queued traffic is dropped.")
    boolean failClosed;

    @Option(names = "--mark-mask", defaultValue = "0x0fffffff", paramLabel = "MASK", converter = IntegerLiteral.class,
            description = "The mark bits rule marks use (the rules file's mark_mask). Default: ${DEFAULT-VALUE}.")
    int markMask = MarkBits.USER_MASK;

    @Option(names = "--blocks", description = "Drop the addresses of timed blocks (nfqwall block) first: needs the ipsets"
            + " nfqwall-src, nfqwall-dst, nfqwall-src6, nfqwall-dst6 (the daemon creates them; see the document's comments).")
    boolean blocks;

    @Option(names = "--remove", description = "Print the document that removes these rules again.")
    boolean remove;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        IptablesOptions options;
        try {
            List<PortRange> tcp = parsePorts("--ports", ports);
            List<PortRange> udp = udpPorts == null ? List.of() : parsePorts("--udp-ports", udpPorts);
            options = new IptablesOptions(queue, chain, tcp, udp, ipv6, failClosed, markMask, queueAcks, blocks);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        spec.commandLine().getOut().print(remove ? IptablesRuleset.remove(options) : IptablesRuleset.apply(options));
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** Parses one port option; its error names the option, e.g. {@code --udp-ports: port list ...}. */
    private static List<PortRange> parsePorts(String option, String text) {
        try {
            return PortRange.parseList(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
    }
}
