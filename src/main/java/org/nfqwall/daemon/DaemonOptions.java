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
 */
public record DaemonOptions(Path rulesFile, QueueConfig queue, EngineConfig engine, ObservabilityOptions observe) {
    /** With the default decision log (JSON to standard output) and no metrics. */
    public DaemonOptions(Path rulesFile, QueueConfig queue, EngineConfig engine) {
        this(rulesFile, queue, engine, ObservabilityOptions.defaults());
    }
}
