package org.nfqwall.rules;

/**
 * Reads one line of a list file ({@code host_file}, {@code path_file}, {@code cidr_file}) into a
 * condition's entries. The format is recognised per line, so hosts files, AdBlock lists and plain
 * lists (and mixtures of them) all work:
 * <ul>
 *   <li>blank lines, {@code #} comment lines and trailing {@code " # ..."} comments (a {@code #}
 *       after a space or tab; in CIDR lists {@code ;} too) are ignored;</li>
 *   <li>host lists: {@code ADDRESS NAME [NAME...]} (a hosts file) takes the names, skipping
 *       localhost-style names and names that are addresses; {@code ||domain^} (AdBlock) takes the
 *       domain and its subdomains ({@code domain} and {@code *.domain}), also with only the
 *       options {@code $important}, {@code $all} or {@code $document}; AdBlock headers
 *       ({@code [Adblock Plus 2.0]}) and {@code !} comments are ignored; any other AdBlock syntax
 *       is skipped and counted, never an error; anything else is one host in {@code host:}
 *       syntax;</li>
 *   <li>path lists: one glob in {@code path:} syntax a line (AdBlock rules skipped as above);</li>
 *   <li>CIDR lists: one address or CIDR in {@code src:} syntax a line.</li>
 * </ul>
 * No regular expressions: a list may have a million lines. Stateless.
 */
final class ListLines {
    /** Returned for a line in AdBlock syntax that nfqwall cannot use: skipped, and counted. */
    static final int SKIPPED = -1;

    /** AdBlock options that do not narrow a rule, so the whole domain can be taken. */
    private static final String[] HARMLESS_OPTIONS = {"important", "all", "document", "doc"};
    /** Names hosts files give to the machine itself; never meant as a block. */
    private static final String[] LOCAL_NAMES = {"localhost", "localhost.localdomain", "local", "broadcasthost",
        "localhost4", "localhost4.localdomain4", "localhost6", "localhost6.localdomain6"};
    /** Characters of AdBlock URL rules that no host name has. */
    private static final String ADBLOCK_CHARS = "/^$|&?=@,~";
    private static final String HOSTS_LINE = "expected one host per line, or a hosts-file line \"ADDRESS NAME...\"";

    private ListLines() {
    }

    /**
     * Reads one line of a host list.
     *
     * @return the number of entries taken (0 for blank, comment and header lines), or {@link #SKIPPED}
     * @throws BadValueException for a line that is none of the forms, saying what is expected
     */
    static int hostLine(String line, ConditionEntries<String> hosts) throws BadValueException {
        String s = content(line, false);
        if (s.isEmpty() || s.charAt(0) == '!' || isAdBlockHeader(s)) {
            return 0;
        }
        if (s.startsWith("||")) {
            return adBlockDomain(s, hosts);
        }
        if (s.startsWith("@@") || hasCosmeticMarker(s)) {
            return SKIPPED;
        }
        int space = firstBlank(s, 0);
        if (space >= 0) {
            return hostsFileLine(s, space, hosts);
        }
        if (isOtherAdBlock(s)) {
            return SKIPPED;
        }
        add(hosts, s, "host");
        return 1;
    }

    /** Reads one line of a path list; returns as {@link #hostLine}. */
    static int pathLine(String line, ConditionEntries<PathGlob> paths) throws BadValueException {
        String s = content(line, false);
        if (s.isEmpty() || s.charAt(0) == '!' || isAdBlockHeader(s)) {
            return 0;
        }
        if (s.startsWith("|") || s.startsWith("@@") || hasCosmeticMarker(s)) {
            return SKIPPED;
        }
        if (firstBlank(s, 0) >= 0) {
            throw new BadValueException("several words in " + YamlValues.quote(s)
                    + ", expected one path glob per line (a space in a path is written %20)");
        }
        add(paths, s, "path glob");
        return 1;
    }

    /** Reads one line of a CIDR list; returns the number of entries taken (0 or 1). */
    static int cidrLine(String line, ConditionEntries<AddressPrefix> prefixes) throws BadValueException {
        String s = content(line, true);
        if (s.isEmpty()) {
            return 0;
        }
        if (firstBlank(s, 0) >= 0) {
            throw new BadValueException("several words in " + YamlValues.quote(s)
                    + ", expected one address or CIDR per line");
        }
        add(prefixes, s, "address");
        return 1;
    }

    /**
     * The line without surrounding blanks and without a comment: one starting the line, or one
     * after a space or tab (so {@code example.com##.ad} keeps its {@code ##}).
     */
    static String content(String line, boolean semicolonComments) {
        int start = 0;
        int end = line.length();
        while (start < end && line.charAt(start) <= ' ') {
            start++;
        }
        for (int i = start; i < end; i++) {
            char c = line.charAt(i);
            if ((c == '#' || c == ';' && semicolonComments)
                    && (i == start || line.charAt(i - 1) == ' ' || line.charAt(i - 1) == '\t')) {
                end = i;
                break;
            }
        }
        while (end > start && line.charAt(end - 1) <= ' ') {
            end--;
        }
        return start == 0 && end == line.length() ? line : line.substring(start, end);
    }

    /** {@code [Adblock Plus 2.0]}; but not {@code [fd00::1]}, a bracketed IPv6 host. */
    private static boolean isAdBlockHeader(String s) {
        return s.charAt(0) == '[' && s.endsWith("]") && (s.indexOf(' ') >= 0 || s.indexOf(':') < 0);
    }

    /** Element hiding and scriptlet rules: {@code ##}, {@code #@#}, {@code #?#}, {@code #$#}. */
    private static boolean hasCosmeticMarker(String s) {
        return s.contains("##") || s.contains("#@#") || s.contains("#?#") || s.contains("#$#");
    }

    /**
     * A one-word line that no host name can be but an AdBlock URL rule can. A stray {@code *} is
     * not enough: it is more likely a mistyped host pattern, which deserves an error.
     */
    private static boolean isOtherAdBlock(String s) {
        char c0 = s.charAt(0);
        if (c0 == '|' || c0 == '.' || c0 == '-') {
            return true;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (ADBLOCK_CHARS.indexOf(c) >= 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code ||domain^}, {@code ||domain^|} or {@code ||domain^$important}: the domain and every
     * subdomain. Options that narrow the rule to some requests ({@code $third-party},
     * {@code $script}, {@code $domain=...}) cannot be honoured by a firewall, which sees no page:
     * such a rule is skipped rather than widened to the whole domain. Any other shape (a path after
     * the domain, a wildcard, a bad name) is skipped too: AdBlock lines are never errors.
     */
    private static int adBlockDomain(String s, ConditionEntries<String> hosts) {
        int caret = s.indexOf('^', 2);
        if (caret < 0 || !onlyHarmlessOptions(s, caret + 1)) {
            return SKIPPED;
        }
        String domain = s.substring(2, caret);
        for (int i = 0; i < domain.length(); i++) {
            char c = domain.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
                    || c == '_')) {
                return SKIPPED;
            }
        }
        String exact;
        try {
            exact = HostCondition.normalisePattern(domain);
        } catch (BadValueException e) {
            return SKIPPED;
        }
        hosts.addNormalised(exact);
        if (!Addresses.looksLikeIpv4(exact)) {
            hosts.addNormalised("*." + exact);
        }
        return 1;
    }

    /** True when what follows the {@code ^} is nothing, {@code |}, or {@code $} and harmless options. */
    private static boolean onlyHarmlessOptions(String s, int from) {
        if (from == s.length() || from == s.length() - 1 && s.charAt(from) == '|') {
            return true;
        }
        if (s.charAt(from) != '$') {
            return false;
        }
        int start = from + 1;
        while (start <= s.length()) {
            int comma = s.indexOf(',', start);
            int end = comma < 0 ? s.length() : comma;
            boolean harmless = false;
            for (String option : HARMLESS_OPTIONS) {
                harmless |= end - start == option.length() && s.regionMatches(true, start, option, 0, end - start);
            }
            if (!harmless) {
                return false;
            }
            start = end + 1;
        }
        return true;
    }

    /** {@code ADDRESS NAME [NAME...]}; the address must be one, the names are taken. */
    private static int hostsFileLine(String s, int space, ConditionEntries<String> hosts) throws BadValueException {
        String first = s.substring(0, space);
        char c0 = first.charAt(0);
        if (!(c0 >= '0' && c0 <= '9') && first.indexOf(':') < 0) {
            throw new BadValueException("several words in " + YamlValues.quote(s) + ", " + HOSTS_LINE);
        }
        try {
            if (first.indexOf(':') >= 0) {
                Addresses.parseIpv6(first);
            } else {
                Addresses.parseIpv4(first);
            }
        } catch (BadValueException e) {
            throw new BadValueException("bad address " + YamlValues.quote(first) + " at the start of a hosts-file"
                    + " line: " + e.getMessage());
        }
        int taken = 0;
        int i = space;
        while (i < s.length()) {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                i++;
            }
            int end = firstBlank(s, i);
            end = end < 0 ? s.length() : end;
            String name = s.substring(i, end);
            i = end;
            if (!name.isEmpty() && !isLocalName(name)) {
                add(hosts, name, "host");
                taken++;
            }
        }
        return taken;
    }

    /** Localhost-style names and addresses, which hosts files list beside the blocked names. */
    private static boolean isLocalName(String name) {
        for (String local : LOCAL_NAMES) {
            if (local.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return name.regionMatches(true, 0, "ip6-", 0, 4) || Addresses.looksLikeIpv4(name)
                || name.indexOf(':') >= 0;
    }

    private static int firstBlank(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t') {
                return i;
            }
        }
        return -1;
    }

    private static <T> void add(ConditionEntries<T> entries, String text, String what) throws BadValueException {
        if (text.indexOf('\uFFFD') >= 0) {
            throw new BadValueException("bad " + what + " " + YamlValues.quote(text)
                    + ": the file is not valid UTF-8 here, expected UTF-8 (or ASCII) text");
        }
        try {
            entries.add(text);
        } catch (BadValueException e) {
            throw new BadValueException("bad " + what + " " + YamlValues.quote(text) + ": " + e.getMessage());
        }
    }
}
