package org.nfqwall.nfq;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A private network namespace for a kernel-level test, with lo up; runs commands and programs in
 * it, every wait bounded. {@link #close()} kills what it started and deletes the namespace.
 */
final class NetNamespace implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final long COMMAND_TIMEOUT_SECONDS = 20;

    private final String name;
    private final List<Program> programs = new ArrayList<>();

    private NetNamespace(String name) {
        this.name = name;
    }

    static NetNamespace create() throws IOException, InterruptedException {
        String name = "nfqit-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
        host("ip", "netns", "add", name);
        NetNamespace ns = new NetNamespace(name);
        try {
            host("ip", "-n", name, "link", "set", "lo", "up");
        } catch (IOException | RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /** Runs {@code command} in the namespace and returns its output; fails on a non-zero exit or a timeout. */
    String run(String... command) throws IOException, InterruptedException {
        return host(inNamespace(command));
    }

    /** Starts a Java main of the test class path in the namespace. */
    Program startJava(Class<?> main, String... args) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java",
                "-cp", classPath, main.getName()));
        command.addAll(List.of(args));
        return start(main.getSimpleName(), command.toArray(String[]::new));
    }

    /**
     * Starts {@code command} in the namespace, named {@code name} in failure messages. As
     * {@code ip netns exec} execs the command, {@link Program#pid} is the command's own.
     */
    Program start(String name, String... command) throws IOException {
        Process process = new ProcessBuilder(inNamespace(command)).redirectErrorStream(true).start();
        Program program = new Program(name, process);
        programs.add(program);
        return program;
    }

    /** Packets counted by the first rule of {@code chain} in {@code table} whose text contains {@code match}. */
    long ruleCount(String table, String chain, String match) throws IOException, InterruptedException {
        String listing = run("iptables-legacy", "-t", table, "-L", chain, "-v", "-n", "-x");
        for (String line : listing.split("\n")) {
            if (line.contains(match)) {
                return Long.parseLong(line.trim().split("\\s+")[0]);
            }
        }
        throw new AssertionError("no rule matching '" + match + "' in " + table + "/" + chain + ":\n" + listing);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (Program program : programs) {
            program.process.destroyForcibly();
            program.process.waitFor(5, TimeUnit.SECONDS);
        }
        host("ip", "netns", "del", name);
    }

    private String[] inNamespace(String... command) {
        String[] full = new String[command.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = name;
        System.arraycopy(command, 0, full, 4, command.length);
        return full;
    }

    private static String host(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + ": no exit within " + COMMAND_TIMEOUT_SECONDS + " s");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + ": exit " + process.exitValue() + ": " + output);
        }
        return output;
    }

    /** A program started in the namespace: its output lines, read as they come. */
    static final class Program {
        private final String name;
        private final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final StringBuilder seen = new StringBuilder();

        private Program(String name, Process process) {
            this.name = name;
            this.process = process;
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    lines.add("(output lost: " + e + ")");
                }
            }, name + "-output");
            reader.setDaemon(true);
            reader.start();
        }

        /** The program's process id. */
        long pid() {
            return process.pid();
        }

        /** The next output line starting with {@code prefix}; fails after {@code seconds} or at another "error" line. */
        String awaitLine(String prefix, long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError(name + " printed no line starting with '" + prefix + "' within "
                            + seconds + " s; output so far:\n" + seen);
                }
                seen.append(line).append('\n');
                if (line.startsWith(prefix)) {
                    return line;
                }
                if (line.startsWith("error") || line.startsWith("Exception")) {
                    throw new AssertionError(name + " failed:\n" + seen);
                }
            }
        }

        void writeLine(String line) throws IOException {
            OutputStream in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            in.flush();
        }

        void closeInput() throws IOException {
            process.getOutputStream().close();
        }
    }
}
