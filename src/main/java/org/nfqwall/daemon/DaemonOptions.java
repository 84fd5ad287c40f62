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
 */
public record DaemonOptions(Path rulesFile, QueueConfig queue, EngineConfig engine, ObservabilityOptions observe,
                            Path controlSocket, String controlGroup) {
}
