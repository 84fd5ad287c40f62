package org.nfqwall.lab;

import java.util.List;

/**
 * What a command run in the lab left behind: its exit code and everything it printed.
 *
 * @param command the command as run, for messages
 */
public record ExecResult(List<String> command, int exitCode, String stdout, String stderr) {

    /** Whether the command exited with 0. */
    public boolean ok() {
        return exitCode == 0;
    }

    /** This result, or an AssertionError that shows the command, exit code and both outputs. */
    public ExecResult requireOk() {
        if (!ok()) {
            throw new AssertionError("command failed: " + describe());
        }
        return this;
    }

    /** The command, exit code and outputs in one readable block. */
    public String describe() {
        return String.join(" ", command) + "\n  exit code: " + exitCode
                + "\n  stdout: " + stdout.strip() + "\n  stderr: " + stderr.strip();
    }
}
