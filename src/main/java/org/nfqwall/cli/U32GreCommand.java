package org.nfqwall.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.nfqwall.gen.GreKeyIptables;
import org.nfqwall.gen.GreKeySpec;
import org.nfqwall.gen.GreKeyTc;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nfqwall u32 gre --key K ...}: prints matches for GRE packets by tunnel key. */
@Command(name = "gre", mixinStandardHelpOptions = true,
        description = {"Print iptables (or tc) u32 matches for GRE packets over IPv4 whose tunnel key is in a list.",
            "Right for any IPv4 header length, with or without the GRE checksum; GRE version 0 only (never PPTP);"
                + " whole packets and first fragments only.",
            "IPv4 only: u32 reads IPv4 offsets, and GRE over IPv6 may sit behind extension headers.",
            "Apply:  nfqwall u32 gre --key 1 --format iptables-restore --jump DROP | iptables-legacy-restore --noflush"})
final class U32GreCommand implements Callable<Integer> {
    /** The output forms. */
    enum Format { iptables, iptables_restore, tc }

    @Option(names = "--key", required = true, paramLabel = "LIST",
            description = {"Keys: K, K1,K2, K1-K2, K/MASK, or a comma list of those (decimal, 0x hex or dotted quad).",
                "e.g. 1,100-200,0x1200/0xff00"})
    String key;

    @Option(names = "--format", defaultValue = "iptables", paramLabel = "FORMAT", converter = FormatConverter.class,
            description = {"iptables: the matches, one line per rule, to paste after iptables-legacy -A CHAIN;",
                "iptables-restore: a document with -A CHAIN ... -j TARGET lines; tc: tc filter commands.",
                "Default: ${DEFAULT-VALUE}."})
    Format format;

    @Option(names = "--explain", description = "Say what each clause tests, in # comment lines before each rule.")
    boolean explain;

    @Option(names = "--table", paramLabel = "TABLE",
            description = "iptables-restore: filter, mangle or raw. Default: filter.")
    String table;

    @Option(names = "--chain", paramLabel = "CHAIN", description = "iptables-restore: the chain. Default: FORWARD.")
    String chain;

    @Option(names = "--jump", paramLabel = "TARGET",
            description = "iptables-restore: the target, e.g. ACCEPT, DROP or a chain. Default: ACCEPT.")
    String jump;

    @Option(names = "--dev", paramLabel = "DEV", description = "tc: the interface (required with --format tc).")
    String dev;

    @Option(names = "--parent", paramLabel = "HANDLE", description = "tc: the classful qdisc. Default: 1:.")
    String parent;

    @Option(names = "--prio", paramLabel = "N",
            description = "tc: the filter priority the filters own (remove: tc filter del ... prio N). Default: 10.")
    Integer prio;

    @Option(names = "--classid", paramLabel = "CLASS",
            description = "tc: the class matching packets go to, e.g. 1:10 (required with --format tc).")
    String classid;

    @Option(names = "--tc-table", paramLabel = "ID", converter = IntegerLiteral.class,
            description = "tc: the u32 hash tables to use, ID and ID+1 (0x1-0x7fe). Default: 0x1e0.")
    Integer tcTable;

    @Option(names = "--remove", description = "iptables-restore: the document that deletes these rules; tc: the command"
            + " that removes the filter priority.")
    boolean remove;

    @Option(names = "--ipv6", description = "Refused: see the description above.")
    boolean ipv6;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        String text;
        try {
            if (ipv6) {
                throw new IllegalArgumentException("--ipv6: not supported; u32 reads fixed IPv4 offsets, and GRE over"
                        + " IPv6 may follow extension headers that u32 cannot skip reliably. Match IPv4 tunnels only");
            }
            GreKeySpec keys = parseKeys();
            text = switch (format) {
                case iptables -> {
                    refuse("--format iptables", "--table", table, "--chain", chain, "--jump", jump);
                    refuseTc("--format iptables");
                    if (remove) {
                        throw new IllegalArgumentException("--remove does not apply to --format iptables: delete each"
                                + " rule with iptables-legacy -D CHAIN and the same line, or use --format iptables-restore");
                    }
                    yield GreKeyIptables.matches(keys, explain);
                }
                case iptables_restore -> {
                    refuseTc("--format iptables-restore");
                    GreKeyIptables.Placement where = new GreKeyIptables.Placement(or(table, "filter"),
                            or(chain, "FORWARD"), or(jump, "ACCEPT"));
                    yield remove ? GreKeyIptables.removeDocument(keys, where, commandLine())
                            : GreKeyIptables.restoreDocument(keys, where, explain, commandLine());
                }
                case tc -> {
                    refuse("--format tc", "--table", table, "--chain", chain, "--jump", jump);
                    GreKeyTc.Placement where = new GreKeyTc.Placement(dev, or(parent, "1:"), prio == null ? 10 : prio,
                            classid, tcTable == null ? 0x1e0 : tcTable);
                    yield remove ? GreKeyTc.removeCommand(where, commandLine())
                            : GreKeyTc.commands(keys, where, explain, commandLine());
                }
            };
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        spec.commandLine().getOut().print(text);
        spec.commandLine().getOut().flush();
        return 0;
    }

    private GreKeySpec parseKeys() {
        try {
            return GreKeySpec.parse(key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--key: " + e.getMessage(), e);
        }
    }

    private void refuseTc(String format) {
        refuse(format, "--dev", dev, "--parent", parent, "--prio", prio, "--classid", classid, "--tc-table", tcTable);
    }

    /** Fails if any option of the (name, value) pairs was given: it does nothing in this format. */
    private static void refuse(String format, Object... namesAndValues) {
        List<String> given = new ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) {
                given.add((String) namesAndValues[i]);
            }
        }
        if (!given.isEmpty()) {
            throw new IllegalArgumentException(String.join(", ", given) + (given.size() == 1 ? " does" : " do")
                    + " not apply to " + format);
        }
    }

    private static String or(String value, String otherwise) {
        return value == null ? otherwise : value;
    }

    /** The command as typed, for the heading comment of a document. */
    private String commandLine() {
        List<String> words = new ArrayList<>(List.of("nfqwall"));
        for (String arg : spec.commandLine().getParseResult().originalArgs()) {
            words.add(arg.matches("[A-Za-z0-9_.,:/=@+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'");
        }
        return String.join(" ", words);
    }

    /** Reads {@code iptables}, {@code iptables-restore} or {@code tc}. */
    static final class FormatConverter implements CommandLine.ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            return switch (value) {
                case "iptables" -> Format.iptables;
                case "iptables-restore" -> Format.iptables_restore;
                case "tc" -> Format.tc;
                default -> throw new CommandLine.TypeConversionException("'" + value
                        + "' is not a format; expected iptables, iptables-restore or tc");
            };
        }
    }
}
