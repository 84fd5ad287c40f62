package org.nfqwall.rules;

import java.io.IOException;
import java.io.Reader;

/**
 * Reads text line by line like {@link java.io.BufferedReader#readLine}, but never holds more
 * than {@code maxLength} characters of one line: a longer line is consumed and reported as too
 * long instead of filling the heap (a list file might be a binary with no line breaks). Lines end
 * at {@code \n}; a {@code \r} before it stays in the line (callers trim). Reads in bulk into its
 * own buffer; the common line that fits one buffer costs one String and nothing else.
 *
 * <p>One instance per file; not thread-safe. Does not close the reader.
 */
final class BoundedLineReader {
    private static final int BUFFER_CHARS = 64 * 1024;

    private final Reader in;
    private final int maxLength;
    private final char[] buf = new char[BUFFER_CHARS];
    private int pos;
    private int limit;
    private int lineNumber;
    private long lastLength;

    BoundedLineReader(Reader in, int maxLength) {
        this.in = in;
        this.maxLength = maxLength;
    }

    /**
     * The next line without its {@code \n}, or null at the end of the text. For a line longer
     * than the limit returns the empty string and {@link #tooLong()} is true.
     */
    String next() throws IOException {
        boolean started = false;
        long length = 0;
        StringBuilder partial = null;
        while (true) {
            if (pos == limit) {
                int n = in.read(buf, 0, buf.length);
                if (n < 0) {
                    if (!started) {
                        return null;
                    }
                    return finish(partial, length);
                }
                pos = 0;
                limit = n;
                continue;
            }
            started = true;
            int start = pos;
            while (pos < limit && buf[pos] != '\n') {
                pos++;
            }
            int chunk = pos - start;
            boolean end = pos < limit;
            if (end) {
                pos++;
            }
            if (length + chunk <= maxLength) {
                if (end && partial == null) {
                    lineNumber++;
                    lastLength = chunk;
                    return new String(buf, start, chunk);
                }
                if (partial == null) {
                    partial = new StringBuilder();
                }
                partial.append(buf, start, chunk);
            }
            length += chunk;
            if (end) {
                return finish(partial, length);
            }
        }
    }

    private String finish(StringBuilder partial, long length) {
        lineNumber++;
        lastLength = length;
        return length > maxLength || partial == null ? "" : partial.toString();
    }

    /** 1-based number of the line {@link #next} returned last. */
    int lineNumber() {
        return lineNumber;
    }

    /** True when the line returned last was longer than the limit (and came back empty). */
    boolean tooLong() {
        return lastLength > maxLength;
    }

    /** Length in characters of the line returned last, also when it was too long. */
    long length() {
        return lastLength;
    }
}
