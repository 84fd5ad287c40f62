package org.nfqwall.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nfqwall.control.ControlRequest;
import org.nfqwall.control.ControlResponse;
import org.nfqwall.control.Json;
import org.nfqwall.rules.BlockDuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code nfqwall blocks [--json]}: the timed blocks in force. */
@Command(name = "blocks", mixinStandardHelpOptions = true,
        description = {"List the timed blocks in force: id, selectors, time left, reason.", ""},
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {"0:listed", "2:usage", "3:cannot reach the daemon"})
final class BlocksCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print the daemon's answer as one JSON object.")
    boolean json;

    @Mixin
    DaemonCall daemon;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws DaemonCall.UnreachableException {
        ControlResponse r = daemon.call(ControlRequest.blocks());
        PrintWriter out = spec.commandLine().getOut();
        if (!r.ok()) {
            printErrors(spec.commandLine().getErr(), r);
            return Main.EXIT_INVALID;
        }
        List<?> blocks = r.fields().get("blocks") instanceof List<?> l ? l : List.of();
        if (json) {
            out.println(Json.write(Map.of("blocks", blocks)));
        } else if (blocks.isEmpty()) {
            out.println("no timed blocks");
        } else {
            for (Object b : blocks) {
                out.println(line(b));
            }
        }
        out.flush();
        return 0;
    }

    /** {@code 3  src 10.99.1.2/32  expires in 9m58s  (reason)}. */
    static String line(Object block) {
        if (!(block instanceof Map<?, ?> m)) {
            return String.valueOf(block);
        }
        StringBuilder sb = new StringBuilder();
        sb.append(m.get("id")).append("  ");
        for (String key : List.of("src", "dst", "host")) {
            if (m.get(key) != null) {
                sb.append(key).append(' ').append(m.get(key)).append("  ");
            }
        }
        long left = m.get("expires_in_seconds") instanceof Number n ? n.longValue() : 0;
        sb.append("expires in ").append(BlockDuration.format(left));
        if (m.get("reason") instanceof String reason && !reason.isEmpty()) {
            sb.append("  (").append(reason).append(')');
        }
        return sb.toString();
    }

    static void printErrors(PrintWriter err, ControlResponse r) {
        for (String e : r.errors()) {
            err.println("nfqwall: " + e);
        }
        err.flush();
    }
}
