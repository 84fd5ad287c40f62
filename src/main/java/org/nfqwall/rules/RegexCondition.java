package org.nfqwall.rules;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.List;

/**
 * A rule's {@code host_regex:} or {@code path_regex:} condition: any of some regular expressions
 * (RE2 syntax), each of which must match the whole normalised host or path. The listed
 * expressions are joined into one alternation, so a check is one pass over the text.
 *
 * <p>RE2/J matches in time linear in the text, whatever the expression: an admin-written regex
 * cannot make the packet path backtrack. It is not allocation-free: each check allocates a few
 * small objects inside RE2/J (its input wrapper), about 50 bytes (see the README's Performance
 * section); a rule with a regex is the one kind of rule whose check allocates. The matcher is
 * reused per thread. Immutable and safe to use from many threads.
 */
final class RegexCondition {
    private final List<String> texts;
    private final ThreadLocal<Matcher> matchers;

    private RegexCondition(List<String> texts, Pattern joined) {
        this.texts = texts;
        this.matchers = ThreadLocal.withInitial(() -> joined.matcher(""));
    }

    /**
     * Checks that one expression compiles.
     *
     * @throws BadValueException with RE2/J's reason, e.g. {@code missing closing )}
     */
    static void check(String regex) throws BadValueException {
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new BadValueException(e.getDescription() + ", expected a regular expression in RE2 syntax"
                    + " (no backreferences or lookaround)");
        }
    }

    /** Joins expressions already {@link #check checked}. */
    static RegexCondition of(List<String> regexes) {
        StringBuilder joined = new StringBuilder();
        for (String r : regexes) {
            joined.append(joined.length() == 0 ? "" : "|").append("(?:").append(r).append(')');
        }
        // An empty list matches nothing, as an empty host list does.
        Pattern p = Pattern.compile(regexes.isEmpty() ? "[^\\x00-\\x{10FFFF}]" : joined.toString());
        return new RegexCondition(List.copyOf(regexes), p);
    }

    /** True when some expression matches the whole of {@code text}. */
    boolean matches(String text) {
        return matchers.get().reset(text).matches();
    }

    /** The expressions as written, in file order. */
    List<String> texts() {
        return texts;
    }
}
