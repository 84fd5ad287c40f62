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
 */
public record DaemonOptions(Path rulesFile, QueueConfig queue, EngineConfig engine) {
}
