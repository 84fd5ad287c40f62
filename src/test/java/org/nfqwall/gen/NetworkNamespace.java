package org.nfqwall.gen;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A private network namespace for one test, created with {@code ip netns add} under a name no
 * other run uses and deleted on {@link #close}. Every command it runs is bounded by
 * {@value #COMMAND_TIMEOUT_SECONDS} seconds. Not thread-safe: one test thread owns it.
 */
final class NetworkNamespace implements AutoCloseable {
    /** Longest any one command may run before the test fails: {@value} seconds. */
    static final int COMMAND_TIMEOUT_SECONDS = 20;
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    /** What a finished command printed and returned. */
    record Result(int exitCode, String stdout, String stderr) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private final String name;

    private NetworkNamespace(String name) {
        this.name = name;
    }

    /** Creates a fresh namespace; fails the test, saying why, if that is impossible. */
    static NetworkNamespace create() {
        String name = "nfqwall-gen-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
        Result r = run(null, "ip", "netns", "add", name);
        if (!r.ok()) {
            fail("cannot create network namespace " + name + " (this test needs root and iproute2): exit "
                    + r.exitCode() + ": " + r.stderr().strip());
        }
        return new NetworkNamespace(name);
    }

    /** The namespace's name, as {@code ip netns} and {@code ip link ... netns NAME} know it. */
    String name() {
        return name;
    }

    /** Runs a command in the host's namespace (to wire namespaces together), failing the test unless it succeeds. */
    static String hostExecOk(String... command) {
        Result r = run(null, command);
        if (!r.ok()) {
            fail(String.join(" ", command) + " failed with exit " + r.exitCode() + ": " + r.stderr().strip());
        }
        return r.stdout();
    }

    /** Runs a command inside the namespace, feeding it {@code stdin} (may be null). */
    Result exec(String stdin, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(command));
        return run(stdin, full.toArray(String[]::new));
    }

    /** Like {@link #exec} but fails the test, with the command's error output, unless it succeeds. */
    String execOk(String stdin, String... command) {
        Result r = exec(stdin, command);
        if (!r.ok()) {
            fail(String.join(" ", command) + " in " + name + " failed with exit " + r.exitCode() + ": "
                    + r.stderr().strip() + (stdin == null ? "" : "\ninput was:\n" + stdin));
        }
        return r.stdout();
    }

    @Override
    public void close() {
        Result r = run(null, "ip", "netns", "del", name);
        if (!r.ok()) {
            fail("cannot delete network namespace " + name + ": " + r.stderr().strip());
        }
    }

    private static Result run(String stdin, String... command) {
        File out = null;
        File err = null;
        try {
            out = File.createTempFile("nfqwall-gen-", ".out");
            err = File.createTempFile("nfqwall-gen-", ".err");
            // Output goes to files, so a chatty command can never block on a full pipe.
            Process p = new ProcessBuilder(command).redirectOutput(out).redirectError(err).start();
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                fail(String.join(" ", command) + " did not finish within " + COMMAND_TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), Files.readString(out.toPath()), Files.readString(err.toPath()));
        } catch (IOException e) {
            return fail("cannot run " + String.join(" ", command) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted while running " + String.join(" ", command), e);
        } finally {
            if (out != null) {
                out.delete();
            }
            if (err != null) {
                err.delete();
            }
        }
    }
}
