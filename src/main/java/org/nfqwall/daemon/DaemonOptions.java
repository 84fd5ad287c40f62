package org.nfqwall.daemon;

import java.nio.file.Path;
import org.nfqwall.engine.EngineConfig;
import org.nfqwall.nfq.QueueConfig;

/**
 * Everything {@code nfqwall run} was told.
 *
 * @param rulesFile the YAML rules, re-read on SIGHUP
 * @param queue the kernel queue and its socket settings
 * @param engine flow-table and inspection limits
 * @param observe decision log and metrics
 * @param controlSocket the control socket's path
 * @param controlGroup the group whose members may use the control socket (mode 0660), or null (mode 0600)
 * @param stateDir where the timed blocks are kept ({@value #DEFAULT_STATE_DIR} by default)
 */
public record DaemonOptions(Path rulesFile, QueueConfig queue, EngineConfig engine, ObservabilityOptions observe,
                            Path controlSocket, String controlGroup, Path stateDir) {
    public static final String DEFAULT_STATE_DIR = "/var/lib/nfqwall";

    public DaemonOptions(Path rulesFile, QueueConfig queue, EngineConfig engine, ObservabilityOptions observe,
            Path controlSocket, String controlGroup) {
        this(rulesFile, queue, engine, observe, controlSocket, controlGroup, Path.of(DEFAULT_STATE_DIR));
    }
}
