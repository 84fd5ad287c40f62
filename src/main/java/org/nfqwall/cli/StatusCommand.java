package org.nfqwall.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.nfqwall.control.ControlRequest;
import org.nfqwall.control.ControlResponse;
import org.nfqwall.daemon.QueueNumbers;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code nfqwall status}: one line about the running daemon, or exit 3 when there is none. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"One line about the running daemon: queue, rules file and summary, uptime, fail-open or closed.", ""},
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {"0:running", "2:usage", "3:cannot reach the daemon"})
final class StatusCommand implements Callable<Integer> {
    @Mixin
    DaemonCall daemon;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws DaemonCall.UnreachableException {
        ControlResponse r = daemon.call(ControlRequest.status());
        spec.commandLine().getOut().println(line(r));
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** {@code running, pid 42, queue 10, FILE: SUMMARY, up 2h03m, fail-open}; {@code queues 0-3} for several. */
    static String line(ControlResponse r) {
        return "running, pid " + r.number("pid", 0) + ", " + queues(r) + ", " + r.string("rules_file")
                + ": " + r.string("rules_summary") + ", up " + StatsView.duration(r.number("uptime_seconds", 0))
                + ", " + (r.flag("fail_open") ? "fail-open" : "fail-closed");
    }

    /** {@code queue 10}, or {@code queues 0-3} when the daemon reads several (older daemons send only "queue"). */
    private static String queues(ControlResponse r) {
        List<Number> numbers = new ArrayList<>();
        if (r.fields().get("queues") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Number n) {
                    numbers.add(n);
                }
            }
        }
        if (numbers.size() > 1) {
            return "queues " + QueueNumbers.format(numbers);
        }
        return "queue " + r.number("queue", 0);
    }
}
