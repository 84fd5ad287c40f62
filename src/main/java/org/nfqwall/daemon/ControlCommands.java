package org.nfqwall.daemon;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.nfqwall.control.ControlRequest;
import org.nfqwall.control.ControlResponse;
import org.nfqwall.rules.RuleError;
import org.nfqwall.rules.RuleSet;

/**
 * Answers control requests: {@code reload} (through the {@link RuleReloader}, logged like a
 * SIGHUP reload), {@code stats} and {@code status}.
 *
 * <p>Called on control-socket threads, never on the packet path; thread-safe (reloads are
 * serialised by the reloader, everything else only reads).
 */
final class ControlCommands implements ControlServer.Handler {
    private final RuleReloader reloader;
    private final Supplier<RuleSet> rules;
    private final Function<Instant, Map<String, Object>> stats;
    private final Consumer<String> log;
    private final Instant started;
    private final List<Integer> queues;
    private final boolean failOpen;
    private BlockCommands blocks;

    /**
     * @param stats the statistics fields at an instant ({@link StatsCollector#collect})
     * @param log where reloads are logged (the daemon's log)
     * @param queues the queues the daemon reads, ascending
     */
    ControlCommands(RuleReloader reloader, Supplier<RuleSet> rules, Function<Instant, Map<String, Object>> stats,
            Consumer<String> log, Instant started, List<Integer> queues, boolean failOpen) {
        this.reloader = reloader;
        this.rules = rules;
        this.stats = stats;
        this.log = log;
        this.started = started;
        this.queues = List.copyOf(queues);
        this.failOpen = failOpen;
    }

    /** Answers block, unblock and blocks with {@code b}. */
    ControlCommands withBlocks(BlockCommands b) {
        this.blocks = b;
        return this;
    }

    @Override
    public ControlResponse handle(ControlRequest request, PeerPolicy.Access access) {
        return switch (request.cmd()) {
            case ControlRequest.BLOCK, ControlRequest.UNBLOCK, ControlRequest.BLOCKS -> blocks(request, access);
            case ControlRequest.RELOAD -> reload(request, access);
            case ControlRequest.STATS -> ControlResponse.success(withCommon(stats.apply(Instant.now())));
            default -> ControlResponse.success(withCommon(Map.of()));
        };
    }

    private ControlResponse blocks(ControlRequest request, PeerPolicy.Access access) {
        if (blocks == null) {
            return ControlResponse.failure("this daemon keeps no timed blocks");
        }
        if (!ControlRequest.BLOCKS.equals(request.cmd()) && access != PeerPolicy.Access.FULL) {
            return ControlResponse.failure("only root or the daemon's user may add or remove blocks");
        }
        return blocks.handle(request);
    }

    /** Fields every stats and status response starts with. */
    private Map<String, Object> withCommon(Map<String, Object> fields) {
        Instant now = Instant.now();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("running", true);
        m.put("pid", ProcessHandle.current().pid());
        // "queue" predates several queues: the first one, so one-queue scripts read what they always did.
        m.put("queue", queues.get(0));
        m.put("queues", queues);
        m.put("fail_open", failOpen);
        m.put("rules_file", reloader.file().toString());
        m.put("rules_summary", rules.get().summary());
        m.put("time", now.toString());
        m.put("uptime_seconds", StatsCollector.uptimeSeconds(started, now));
        m.putAll(fields);
        return m;
    }

    private ControlResponse reload(ControlRequest request, PeerPolicy.Access access) {
        Path file = null;
        if (request.rules() != null) {
            file = Path.of(request.rules());
            if (!file.isAbsolute()) {
                return ControlResponse.failure("\"rules\" must be an absolute path, got \"" + request.rules() + "\"");
            }
            if (access != PeerPolicy.Access.FULL && !file.normalize().equals(reloader.file().toAbsolutePath().normalize())) {
                return ControlResponse.failure("only root or the daemon's user may load another file than the rules in"
                        + " force (" + reloader.file() + "); edit that file, or ask them");
            }
        }
        RuleReloader.Outcome o = reloader.reload(file, request.dryRun());
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("dry_run", request.dryRun());
        fields.put("rules_file", o.file().toString());
        if (!o.ok()) {
            List<String> errors = new ArrayList<>();
            for (RuleError e : o.errors()) {
                errors.add(e.toString());
            }
            if (!request.dryRun()) {
                for (String e : errors) {
                    log.accept("nfqwall: " + e);
                }
                log.accept("nfqwall: reload of " + o.file() + " refused (control socket), " + errors.size()
                        + " error(s); keeping the previous rules");
            }
            return ControlResponse.failure(errors, fields);
        }
        fields.put("rules_summary", o.ruleSet().summary());
        fields.put("applied", o.applied());
        fields.put("diff", o.diff().toJsonMap());
        if (o.applied()) {
            log.accept("nfqwall: reloaded " + o.file() + " (control socket): " + o.ruleSet().summary()
                    + (o.diff().empty() ? ", no change" : ", " + o.diff().lines().size() + " change(s)"));
        }
        return ControlResponse.success(fields);
    }
}
