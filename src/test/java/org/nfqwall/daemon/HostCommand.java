package org.nfqwall.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.nfqwall.lab.ExecResult;

/**
 * Runs one command on the host (not in a lab namespace) for kernel-level tests that manage users
 * or run the install scripts: bounded in time (killed, and an AssertionError, when it overruns),
 * stdin from /dev/null, both outputs kept. For one test thread.
 */
final class HostCommand {
    private HostCommand() {
    }

    /** Runs {@code cmd} with the extra environment {@code env} (may be null) and waits for it. */
    static ExecResult run(Duration timeout, Map<String, String> env, String... cmd) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("nfqwall-host-", ".out");
            err = Files.createTempFile("nfqwall-host-", ".err");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            if (env != null) {
                pb.environment().putAll(env);
            }
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms: "
                        + new ExecResult(List.of(cmd), -1, Files.readString(out), Files.readString(err)).describe());
            }
            return new ExecResult(List.of(cmd), p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", cmd), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + String.join(" ", cmd), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException ignored) {
            // A leftover temp file is harmless.
        }
    }
}
