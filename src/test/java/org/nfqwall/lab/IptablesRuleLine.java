package org.nfqwall.lab;

/**
 * One line of {@code iptables-legacy -S CHAIN -v}, which carries the counters as
 * {@code -c PACKETS BYTES} in the middle of the rule.
 *
 * @param withoutCounters the rule as {@code iptables -S} prints it without -v
 */
record IptablesRuleLine(String withoutCounters, long packets, long bytes) {

    /** The rule in {@code line}, or null if it is not a rule or policy line with counters. */
    static IptablesRuleLine parse(String line) {
        String[] words = line.strip().split(" +");
        for (int i = 0; i + 2 < words.length; i++) {
            if (words[i].equals("-c") && words[i + 1].matches("\\d+") && words[i + 2].matches("\\d+")) {
                StringBuilder rule = new StringBuilder();
                for (int j = 0; j < words.length; j++) {
                    if (j < i || j > i + 2) {
                        rule.append(rule.length() == 0 ? "" : " ").append(words[j]);
                    }
                }
                return new IptablesRuleLine(rule.toString(), Long.parseLong(words[i + 1]),
                        Long.parseLong(words[i + 2]));
            }
        }
        return null;
    }
}
