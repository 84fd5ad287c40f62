package org.nfqwall.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.nfqwall.daemon.QueueNumbers;
import org.nfqwall.gen.IptablesOptions;
import org.nfqwall.gen.IptablesRuleset;
import org.nfqwall.gen.PortRange;
import org.nfqwall.gen.SteeringMarks;
import org.nfqwall.rules.MarkBits;
import org.nfqwall.rules.RuleSet;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nfqwall iptables ...}: prints the iptables-restore document that feeds the daemon. */
@Command(name = "iptables", mixinStandardHelpOptions = true,
        description = {"Print the iptables-restore rules that send traffic to the queue and act on verdicts.",
            "Apply:  nfqwall iptables --queue 10 --chain FORWARD --ports 80 | iptables-legacy-restore --noflush",
            "Several queues: --queues 0-3 (for nfqwall run --queues 0-3).",
            "Marks that route: --chain PREROUTING (a gateway) or --table mangle --chain OUTPUT (this host's clients),"
                + " with --restore-mark, --rules FILE (steering) and --dns.",
            "Remove: the same options plus --remove, piped the same way."},
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {"0:printed", "1:--rules FILE has errors (each as FILE:LINE:COL)", "2:usage"})
final class IptablesCommand implements Callable<Integer> {
    @Option(names = "--queue", paramLabel = "N", description = "NFQUEUE number (0-65535): --queue-num N.")
    Integer queue;

    @Option(names = "--queues", paramLabel = "A-B",
            description = "Balance over queues A to B (--queue-balance A:B), for nfqwall run --queues A-B.")
    String queues;

    @Option(names = "--cpu-fanout", description = {"With --queues: choose the queue by the CPU that handles the packet"
            + " (--queue-cpu-fanout), not by the hash of its addresses.",
        "Only where each flow stays on one CPU (a gateway with NIC RSS); wrong for local traffic (see the README)."})
    boolean cpuFanout;

    @Option(names = "--chain", defaultValue = "FORWARD", paramLabel = "CHAIN",
            description = {"FORWARD (a gateway), INPUT (a server) or OUTPUT (a client); PREROUTING (a gateway, mangle"
                + " table: marks exist before the routing decision). Default: ${DEFAULT-VALUE}."})
    String chain;

    @Option(names = "--table", paramLabel = "TABLE",
            description = {"filter or mangle. Default: mangle for --chain PREROUTING, else filter.",
                "mangle with --chain OUTPUT: marks of this host's own connections re-route them."})
    String table;

    @Option(names = "--restore-mark", description = "Restore the rule mark from the connmark onto every packet (all"
            + " protocols and ports, both directions) at the top of the chain: for ip rule fwmark and tc.")
    boolean restoreMark;

    @Option(names = "--rules", paramLabel = "FILE", description = {"The rules file: its steering marks get rules that mark"
            + " a new connection to a remembered address at its first packet (needs the ipsets: nfqwall routing creates"
            + " them); its mark_mask is the default --mark-mask."})
    Path rules;

    @Option(names = "--dns", description = "Queue DNS answers too (UDP from source port 53), so nfqwall learns the"
            + " addresses of steered host names.")
    boolean dns;

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

    @Option(names = "--mark-mask", paramLabel = "MASK", converter = IntegerLiteral.class,
            description = "The mark bits rule marks use (the rules file's mark_mask). Default: the mark_mask of"
                    + " --rules FILE, else 0x0fffffff.")
    Integer markMask;

    @Option(names = "--blocks", description = "Drop the addresses of timed blocks (nfqwall block) first: needs the ipsets"
            + " nfqwall-src, nfqwall-dst, nfqwall-src6, nfqwall-dst6 (the daemon creates them; see the document's comments).")
    boolean blocks;

    @Option(names = "--remove", description = "Print the document that removes these rules again.")
    boolean remove;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        RuleSet ruleSet = null;
        if (rules != null) {
            ruleSet = RulesFile.load(rules, spec.commandLine().getErr());
            if (ruleSet == null) {
                return Main.EXIT_INVALID;
            }
        }
        IptablesOptions options;
        try {
            List<PortRange> tcp = parsePorts("--ports", ports);
            List<PortRange> udp = udpPorts == null ? List.of() : parsePorts("--udp-ports", udpPorts);
            int[] range = queueRange();
            options = new IptablesOptions(range[0], chain, tcp, udp, ipv6, failClosed, markMask(ruleSet), queueAcks,
                    blocks, range[1], cpuFanout, table(), restoreMark, dns,
                    ruleSet == null ? SteeringMarks.NONE : SteeringMarks.of(rules.toString(), ruleSet));
            checkRoutedMarksArePlacedBeforeRouting(options, ruleSet);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        spec.commandLine().getOut().print(remove ? IptablesRuleset.remove(options) : IptablesRuleset.apply(options));
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** {@code --table}, or the table {@code --chain} implies: mangle for PREROUTING, else filter. */
    private String table() {
        if (table != null) {
            return table;
        }
        return chain.equals("PREROUTING") ? IptablesOptions.MANGLE : IptablesOptions.FILTER;
    }

    /** {@code --mark-mask}, else the rules file's, else all user bits; a mask that contradicts the file is refused. */
    private int markMask(RuleSet ruleSet) {
        if (ruleSet == null) {
            return markMask == null ? MarkBits.USER_MASK : markMask;
        }
        if (markMask != null && markMask != ruleSet.markMask()) {
            throw new IllegalArgumentException("--mark-mask 0x" + Integer.toHexString(markMask) + " differs from the"
                    + " mark_mask 0x" + Integer.toHexString(ruleSet.markMask()) + " of " + rules
                    + "; leave --mark-mask out to use the file's");
        }
        return ruleSet.markMask();
    }

    /**
     * A mark with a routing table routes only packets marked before the routing decision: in the
     * filter table the steering rules would mark connections that the kernel already routed.
     */
    private void checkRoutedMarksArePlacedBeforeRouting(IptablesOptions options, RuleSet ruleSet) {
        if (ruleSet == null || options.mangle()) {
            return;
        }
        List<String> routed = ruleSet.markDefinitions().values().stream().filter(m -> m.route() != null)
                .map(m -> m.name()).toList();
        if (!routed.isEmpty()) {
            throw new IllegalArgumentException(rules + ": mark" + (routed.size() == 1 ? " " : "s ") + String.join(", ", routed)
                    + " with a table route" + (routed.size() == 1 ? "s" : "") + " only packets marked before the routing"
                    + " decision; expected --chain PREROUTING"
                    + " (a gateway) or --table mangle --chain OUTPUT (this host's clients)");
        }
    }

    /** {@code --queue N} as {N, N}, or {@code --queues A-B} as {A, B}; exactly one of them. */
    private int[] queueRange() {
        if ((queue == null) == (queues == null)) {
            throw new IllegalArgumentException(queue == null ? "Missing required option: '--queue=N' or '--queues=A-B'"
                    : "--queue and --queues both given; use one");
        }
        if (queue != null) {
            if (cpuFanout) {
                throw new IllegalArgumentException("--cpu-fanout needs --queues A-B: one queue has nothing to spread over");
            }
            return new int[] {queue, queue};
        }
        QueueNumbers n;
        try {
            n = QueueNumbers.parse(queues);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--queues: " + e.getMessage(), e);
        }
        if (!n.contiguous()) {
            throw new IllegalArgumentException("--queues: \"" + queues + "\" is not one range; --queue-balance takes"
                    + " FIRST-LAST, e.g. 0-3");
        }
        if (cpuFanout && n.size() == 1) {
            throw new IllegalArgumentException("--cpu-fanout needs --queues A-B with A < B: one queue has nothing to"
                    + " spread over");
        }
        return new int[] {n.first(), n.last()};
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
