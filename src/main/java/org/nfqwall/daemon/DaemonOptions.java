package org.nfqwall.daemon;

import java.nio.file.Path;
import java.util.List;
import org.nfqwall.engine.EngineConfig;
import org.nfqwall.nfq.QueueConfig;

/**
 * Everything {@code nfqwall run} was told.
 *
 * @param rulesFile the YAML rules, re-read on SIGHUP
 * @param queues the kernel queues and their socket settings, one worker each, in ascending order
 * @param engine flow-table and inspection limits of each queue's engine ({@code --flows} and
 *        {@code --buffer-memory} already divided among the queues)
 * @param observe decision log and metrics
 * @param controlSocket the control socket's path
 * @param controlGroup the group whose members may use the control socket (mode 0660), or null (mode 0600)
 * @param stateDir where the timed blocks are kept ({@value #DEFAULT_STATE_DIR} by default)
 */
public record DaemonOptions(Path rulesFile, List<QueueConfig> queues, EngineConfig engine, ObservabilityOptions observe,
                            Path controlSocket, String controlGroup, Path stateDir) {
    public static final String DEFAULT_STATE_DIR = "/var/lib/nfqwall";

    /** Fail-open or fail-closed: the same for every queue. */
    public boolean failOpen() {
        return queues.get(0).failOpen();
    }

    public DaemonOptions {
        if (queues.isEmpty()) {
            throw new IllegalArgumentException("no queue to read");
        }
        queues = List.copyOf(queues);
    }

    public DaemonOptions(Path rulesFile, List<QueueConfig> queues, EngineConfig engine, ObservabilityOptions observe,
            Path controlSocket, String controlGroup) {
        this(rulesFile, queues, engine, observe, controlSocket, controlGroup, Path.of(DEFAULT_STATE_DIR));
    }
}
