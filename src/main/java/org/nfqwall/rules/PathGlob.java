package org.nfqwall.rules;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A compiled {@code path:} glob: {@code *} is any sequence (slashes included), {@code ?} one
 * character, {@code [abc]}, {@code [a-z]} and {@code [!x]} one character of (or not of) a class,
 * and {@code \} takes the next character literally. Matching is case-sensitive.
 *
 * <p>Matching uses the greedy two-pointer walk (remember the last {@code *}, retry one character
 * further on a mismatch): no regular expressions, no backtracking blow-up, no allocation.
 * Immutable; safe from any thread.
 */
final class PathGlob {
    private static final byte LITERAL = 0;
    private static final byte ANY_ONE = 1;
    private static final byte CLASS = 2;
    private static final byte STAR = 3;

    private final String text;
    private final byte[] kinds;
    /** For LITERAL the character; for CLASS an index into {@link #classes}. */
    private final int[] values;
    /** Per class: pairs of inclusive ranges {@code lo, hi, lo, hi, ...}. */
    private final char[][] classes;
    private final boolean[] negated;

    private PathGlob(String text, byte[] kinds, int[] values, char[][] classes, boolean[] negated) {
        this.text = text;
        this.kinds = kinds;
        this.values = values;
        this.classes = classes;
        this.negated = negated;
    }

    /**
     * Compiles a glob.
     *
     * @throws BadValueException naming the fault and its character position (1-based)
     */
    static PathGlob compile(String glob) throws BadValueException {
        if (glob.isEmpty() || glob.charAt(0) != '/' && glob.charAt(0) != '*') {
            throw new BadValueException("must start with \"/\" or \"*\", expected a form like /app/*");
        }
        int n = glob.length();
        byte[] kinds = new byte[n];
        int[] values = new int[n];
        List<char[]> classes = new ArrayList<>();
        List<Boolean> negated = new ArrayList<>();
        int count = 0;
        int i = 0;
        while (i < n) {
            char c = glob.charAt(i);
            if (c == '*') {
                if (count == 0 || kinds[count - 1] != STAR) {
                    kinds[count++] = STAR;
                }
                i++;
            } else if (c == '?') {
                kinds[count++] = ANY_ONE;
                i++;
            } else if (c == '\\') {
                if (i + 1 == n) {
                    throw new BadValueException("trailing \"\\\" at character " + (i + 1)
                            + ", expected a character after it to take literally");
                }
                kinds[count] = LITERAL;
                values[count++] = glob.charAt(i + 1);
                i += 2;
            } else if (c == '[') {
                int open = i;
                i++;
                boolean not = i < n && glob.charAt(i) == '!';
                if (not) {
                    i++;
                }
                StringBuilder ranges = new StringBuilder();
                while (true) {
                    if (i >= n) {
                        throw new BadValueException("unclosed \"[\" at character " + (open + 1)
                                + ", expected \"]\" to end the class");
                    }
                    int loPos = i;
                    char lo = glob.charAt(i);
                    if (lo == ']') {
                        break;
                    }
                    if (lo == '\\') {
                        if (i + 1 == n) {
                            throw new BadValueException("trailing \"\\\" at character " + (i + 1)
                                    + ", expected a character after it to take literally");
                        }
                        lo = glob.charAt(++i);
                    }
                    i++;
                    char hi = lo;
                    if (i + 1 < n && glob.charAt(i) == '-' && glob.charAt(i + 1) != ']') {
                        i++;
                        hi = glob.charAt(i);
                        if (hi == '\\') {
                            if (i + 1 == n) {
                                throw new BadValueException("trailing \"\\\" at character " + (i + 1)
                                        + ", expected a character after it to take literally");
                            }
                            hi = glob.charAt(++i);
                        }
                        i++;
                        if (hi < lo) {
                            throw new BadValueException("reversed range \"" + lo + "-" + hi + "\" at character "
                                    + (loPos + 1) + ", expected the lower end first");
                        }
                    }
                    ranges.append(lo).append(hi);
                }
                if (ranges.length() == 0) {
                    throw new BadValueException("empty class \"" + glob.substring(open, i + 1) + "\" at character "
                            + (open + 1) + ", expected at least one character (write \\] for a literal ])");
                }
                i++;
                kinds[count] = CLASS;
                values[count++] = classes.size();
                classes.add(ranges.toString().toCharArray());
                negated.add(not);
            } else {
                kinds[count] = LITERAL;
                values[count++] = c;
                i++;
            }
        }
        boolean[] neg = new boolean[negated.size()];
        for (int k = 0; k < neg.length; k++) {
            neg[k] = negated.get(k);
        }
        return new PathGlob(glob, Arrays.copyOf(kinds, count), Arrays.copyOf(values, count),
                classes.toArray(new char[0][]), neg);
    }

    /** True when the whole of {@code path} matches. Allocates nothing. */
    boolean matches(String path) {
        int n = path.length();
        int m = kinds.length;
        int p = 0;
        int i = 0;
        int starP = -1;
        int starI = 0;
        while (i < n) {
            if (p < m && kinds[p] == STAR) {
                starP = p++;
                starI = i;
            } else if (p < m && matchesOne(p, path.charAt(i))) {
                p++;
                i++;
            } else if (starP >= 0) {
                // Let the last star take one more character and retry from just after it.
                p = starP + 1;
                i = ++starI;
            } else {
                return false;
            }
        }
        while (p < m && kinds[p] == STAR) {
            p++;
        }
        return p == m;
    }

    private boolean matchesOne(int p, char c) {
        switch (kinds[p]) {
            case LITERAL:
                return values[p] == c;
            case ANY_ONE:
                return true;
            case CLASS: {
                char[] ranges = classes[values[p]];
                boolean in = false;
                for (int r = 0; r < ranges.length; r += 2) {
                    if (c >= ranges[r] && c <= ranges[r + 1]) {
                        in = true;
                        break;
                    }
                }
                return in != negated[values[p]];
            }
            default:
                return false;
        }
    }

    /**
     * The characters every matching path starts with: the glob's literals up to its first
     * {@code *}, {@code ?} or class (escapes resolved). The rule index files path rules under it.
     */
    String literalPrefix() {
        StringBuilder sb = new StringBuilder();
        for (int p = 0; p < kinds.length && kinds[p] == LITERAL; p++) {
            sb.append((char) values[p]);
        }
        return sb.toString();
    }

    /** The glob as written. */
    String text() {
        return text;
    }
}
