package org.nfqwall.daemon;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Where decision lines go: standard output, or a file opened for appending that can be reopened
 * at the same path after logrotate has renamed it.
 *
 * <p>Used by the decision log's writer thread only (after construction).
 */
final class LogOutput implements AutoCloseable {
    private final Path file;
    private PrintStream stream;

    private LogOutput(Path file, PrintStream stream) {
        this.file = file;
        this.stream = stream;
    }

    /** Lines go to {@code out}, which this never closes. */
    static LogOutput of(PrintStream out) {
        return new LogOutput(null, out);
    }

    /** Lines are appended to {@code file}, created if missing. */
    static LogOutput append(Path file) throws IOException {
        return new LogOutput(file, open(file));
    }

    private static PrintStream open(Path file) throws IOException {
        return new PrintStream(new BufferedOutputStream(new FileOutputStream(file.toFile(), true), 1 << 16), false,
                StandardCharsets.UTF_8);
    }

    PrintStream stream() {
        return stream;
    }

    /** The file, or null for standard output. */
    Path file() {
        return file;
    }

    /**
     * Opens the path again (the old file was renamed or deleted) and closes the old stream.
     * Standard output is left alone. On failure the old stream stays in use.
     */
    void reopen() throws IOException {
        if (file == null) {
            return;
        }
        PrintStream fresh = open(file);
        PrintStream old = stream;
        stream = fresh;
        old.close();
    }

    @Override
    public void close() {
        if (file != null) {
            stream.close();
        } else {
            stream.flush();
        }
    }
}
