package org.nfqwall.rules;

/**
 * What the list files of one rules file gave: for {@link RuleSet#summary}. Immutable.
 *
 * @param entries hosts, globs and prefixes taken from list files (before removing duplicates)
 * @param files distinct list files read
 * @param skippedAdBlockLines AdBlock lines in a syntax nfqwall cannot use, skipped
 */
record ListStats(int entries, int files, int skippedAdBlockLines) {
    /** No list files. */
    static final ListStats NONE = new ListStats(0, 0, 0);

    /** {@code , 12 list entries from 2 files (3 AdBlock lines skipped)}, or nothing without files. */
    String summaryPart() {
        if (files == 0) {
            return "";
        }
        return ", " + entries + " list " + (entries == 1 ? "entry" : "entries") + " from " + files + " file"
                + (files == 1 ? "" : "s")
                + (skippedAdBlockLines == 0 ? ""
                        : " (" + skippedAdBlockLines + " AdBlock line" + (skippedAdBlockLines == 1 ? "" : "s")
                                + " skipped)");
    }
}
