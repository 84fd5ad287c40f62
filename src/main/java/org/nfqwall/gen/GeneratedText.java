package org.nfqwall.gen;

/**
 * The lines of a generated iptables-restore document or shell script: comments start at column 0,
 * where both iptables-restore and sh skip them. One instance per document; not thread-safe.
 */
final class GeneratedText {
    private final StringBuilder text = new StringBuilder(4096);

    /** Appends {@code # comment}. */
    void comment(String comment) {
        text.append("# ").append(comment).append('\n');
    }

    /** Appends one line as it is. */
    void line(String line) {
        text.append(line).append('\n');
    }

    /** Appends lines that already end with a newline, as they are. */
    void lines(String lines) {
        text.append(lines);
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
