package org.nfqwall.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.nfqwall.rules.ConditionResult;
import org.nfqwall.rules.Explanation;
import org.nfqwall.rules.Rule;
import org.nfqwall.rules.RuleExplainer;
import org.nfqwall.rules.RuleSet;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nfqwall explain --rules FILE --url URL ...}: shows which rule would decide a request or
 * ClientHello described on the command line, and why the earlier rules that came close did not.
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = {"Show how a rules file decides one request or ClientHello, without the daemon: the facts as "
                + "nfqwall sees them (normalised as the daemon does), whether the flow is decided before inspection "
                + "on addresses and ports alone, the deciding rule (FILE:LINE:COL) and its verdict, and the earlier "
                + "rules that came close (at most two conditions failed while one held, or one failed only by "
                + "letter case or a wildcard's own name), each with the conditions that failed and why.",
            "",
            "Example: nfqwall explain --rules rules.yaml --url http://www.example.com/APP2/x --src 10.99.1.2",
            ""},
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {"0:explained", "1:the rules file has errors (printed as FILE:LINE:COL)", "2:usage"})
final class ExplainCommand implements Callable<Integer> {
    @Option(names = "--rules", required = true, paramLabel = "FILE", description = "The YAML rules file.")
    Path rules;

    @Option(names = "--url", paramLabel = "URL",
            description = "http://HOST[:PORT]/PATH?QUERY (an HTTP request) or https://... (a TLS ClientHello "
                    + "whose server name is HOST). Sets host, path, query, dport and protocol.")
    String url;

    @Option(names = "--sni", paramLabel = "NAME", description = "A TLS ClientHello with this server name.")
    String sni;

    @Option(names = "--no-sni", description = "A TLS ClientHello without a server name.")
    boolean noSni;

    @Option(names = "--ech", description = "The ClientHello carries an Encrypted Client Hello extension.")
    boolean ech;

    @Option(names = "--alpn", paramLabel = "ID", description = "An ALPN id the ClientHello offers (repeatable).")
    List<String> alpn = new ArrayList<>();

    @Option(names = "--src", paramLabel = "ADDR", description = "Client address (IPv4 or IPv6).")
    String src;

    @Option(names = "--dst", paramLabel = "ADDR", description = "Server address; an IP in --url sets it too.")
    String dst;

    @Option(names = "--sport", paramLabel = "N", description = "Client port.")
    Integer sport;

    @Option(names = "--dport", paramLabel = "N", description = "Server port (default: from --url, 80 or 443).")
    Integer dport;

    @Option(names = "--gre-key", paramLabel = "N",
            description = "The flow comes inside a GRE tunnel whose header carries key N (0..4294967295).")
    Long greKey;

    @Option(names = "--method", paramLabel = "M", description = "HTTP method (default with an http URL: GET).")
    String method;

    @Option(names = "--protocol", paramLabel = "P",
            description = "http, tls, quic, bittorrent or unknown (default: from --url or --sni, else unknown).")
    String protocol;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ExplainFacts facts;
        try {
            facts = ExplainFacts.of(new ExplainFacts.Options(url, sni, noSni, ech, alpn, src, dst, sport, dport,
                    method, protocol, greKey));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        RuleSet set = RulesFile.load(rules, spec.commandLine().getErr());
        if (set == null) {
            return Main.EXIT_INVALID;
        }
        Explanation x = RuleExplainer.explain(set, facts.facts);
        PrintWriter out = spec.commandLine().getOut();
        out.println("facts, as nfqwall sees them:");
        facts.lines().forEach(out::println);
        out.println(beforeInspection(set, x));
        decision(set, x).forEach(out::println);
        out.println("close calls (earlier rules that came close):"
                + (x.nearMisses().isEmpty() ? " none" : ""));
        for (Explanation.NearMiss miss : x.nearMisses()) {
            out.println("  line " + miss.rule().line() + " rule \"" + miss.rule().name() + "\": "
                    + miss.conditions().stream().map(ConditionResult::reason).collect(Collectors.joining("; ")));
        }
        out.flush();
        return 0;
    }

    private static String beforeInspection(RuleSet set, Explanation x) {
        Rule first = x.firstAddressRule();
        if (x.beforeInspection() >= 0) {
            return "before inspection: decided at the first packet, on addresses and ports alone, by rule \""
                    + first.name() + "\" (" + where(set, first) + "): " + RuleExplainer.verdictText(first);
        }
        if (x.beforeInspection() == RuleSet.NO_MATCH) {
            return "before inspection: decided at the first packet: no rule's src, dst, sport, dport and gre_key"
                    + " all hold, "
                    + "so the default (" + set.defaultVerdict().label() + ") applies and nothing is inspected";
        }
        List<String> needs = new ArrayList<>();
        addIf(needs, !first.protocols().isEmpty(), "protocol");
        addIf(needs, !first.methods().isEmpty(), "method");
        addIf(needs, first.tls() != null, "tls");
        addIf(needs, !first.alpns().isEmpty(), "alpn");
        addIf(needs, !first.hostPatterns().isEmpty(), "host");
        addIf(needs, !first.pathGlobs().isEmpty(), "path");
        return "before inspection: not decided: rule \"" + first.name() + "\" (line " + first.line()
                + ") is the first whose addresses and ports hold, and it also tests " + joined(needs)
                + ", so the flow is inspected";
    }

    /** {@code a}, {@code a and b}, {@code a, b and c}. */
    private static String joined(List<String> words) {
        if (words.isEmpty()) {
            return "more";
        }
        int last = words.size() - 1;
        return last == 0 ? words.get(0) : String.join(", ", words.subList(0, last)) + " and " + words.get(last);
    }

    private static void addIf(List<String> list, boolean condition, String key) {
        if (condition) {
            list.add(key);
        }
    }

    private static List<String> decision(RuleSet set, Explanation x) {
        if (x.decidingRule() == null) {
            return List.of("decision: " + set.defaultVerdict().label() + " by default: no rule matches");
        }
        Rule r = x.decidingRule();
        List<String> lines = new ArrayList<>();
        lines.add("decision: " + RuleExplainer.verdictText(r) + " by rule \"" + r.name() + "\" (" + where(set, r) + ")");
        if (x.decidingConditions().isEmpty()) {
            lines.add("  it has no conditions: it matches everything");
        }
        x.decidingConditions().forEach(c -> lines.add("  " + c.reason()));
        return lines;
    }

    private static String where(RuleSet set, Rule r) {
        return set.source() + ":" + r.line() + ":" + r.column();
    }
}
