package org.nfqwall.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class CheckLintTest {
    private static final String LINT = "src/test/resources/cli/lint.yaml";
    private static final String CLEAN = "src/test/resources/cli/clean.yaml";

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void lintPrintsEachWarningWithBothRulesAndExitsFour() {
        assertEquals(Main.EXIT_WARNINGS, run("check", "--lint", LINT));
        assertEquals(LINT + ": ok, 9 rules, 2 groups, 2 marks, default accept, 7 warnings\n", out.toString());
        assertEquals(String.join("\n",
                LINT + ":4:3: warning: group \"guests\" is never used: no rule names it in src or dst",
                LINT + ":7:3: warning: mark \"spare\" is never used: no rule's verdict is {mark: spare}",
                LINT + ":12:5: warning: rule \"www\" can never match: rule \"all-example\" (line 9) matches everything"
                        + " it matches",
                LINT + ":19:5: warning: rule \"admin-lan\" can never match: rule \"admin\" (line 15) matches"
                        + " everything it matches",
                LINT + ":27:5: warning: rule \"tracker-again\" duplicates rule \"tracker\" (line 24): the same"
                        + " conditions and the same verdict (mark shaped (0x6)), so it never matches",
                LINT + ":34:5: warning: rule \"files-lan\" (line 34) overlaps rule \"no-uploads\" (line 30), which"
                        + " decides the overlap as reject, not accept",
                LINT + ":38:5: warning: rule \"nothing\" can never match: path holds only for HTTP requests; alpn"
                        + " holds only for TLS or QUIC ClientHellos") + "\n", err.toString());
    }

    @Test
    void lintOfACleanFileExitsZero() {
        assertEquals(0, run("check", "--lint", CLEAN));
        assertEquals(CLEAN + ": ok, 2 rules, 1 group, 0 marks, default accept, no warnings\n", out.toString());
        assertEquals("", err.toString());
    }

    @Test
    void withoutLintTheWarningsAreNotLookedFor() {
        assertEquals(0, run("check", LINT));
        assertEquals(LINT + ": ok, 9 rules, 2 groups, 2 marks, default accept\n", out.toString());
        assertEquals("", err.toString());
    }

    @Test
    void errorsExitOneAndLintDoesNotRun() {
        assertEquals(Main.EXIT_INVALID, run("check", "--lint", "rules/test/bad-values.yaml"));
        assertEquals("", out.toString());
        assertTrue(err.toString().endsWith("error(s)\n"), err.toString());
        assertTrue(!err.toString().contains("warning"), err.toString());
    }

    @Test
    void helpDocumentsTheExitStatuses() {
        assertEquals(0, run("check", "--help"));
        assertTrue(out.toString().contains("4   --lint only: valid, but with warnings"), out.toString());
        assertTrue(out.toString().contains("1   errors"), out.toString());
    }
}
