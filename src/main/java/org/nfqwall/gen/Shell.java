package org.nfqwall.gen;

/**
 * Quotes words for a POSIX shell, so that what a generator prints as a command line can be
 * pasted or piped into {@code sh} as it stands. Stateless.
 */
final class Shell {
    private Shell() {
    }

    /**
     * The word as it is when it holds only characters no shell treats specially (letters,
     * digits and {@code ._-+/:=@%,}), else in single quotes with each {@code '} written as
     * {@code '\''}.
     */
    static String quote(String word) {
        if (!word.isEmpty() && word.chars().allMatch(Shell::plain)) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    private static boolean plain(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "._-+/:=@%,".indexOf(c) >= 0;
    }
}
