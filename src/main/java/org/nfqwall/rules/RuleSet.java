package org.nfqwall.rules;

import java.util.List;
import java.util.Map;

/**
 * A loaded, compiled rules file: rules in file order (the first match wins), the default verdict
 * and the mark mask.
 *
 * <p>Immutable and safe to read from many threads at once; the daemon swaps whole instances
 * through one volatile reference on reload. {@link #match} and {@link #matchBeforeInspection}
 * allocate nothing (a rule with a {@code host_regex:} or {@code path_regex:} condition aside: RE2/J
 * allocates a little per check). Rules are searched through a {@link RuleIndex} compiled when the
 * set is built, so a lookup costs about the same for ten rules or a million host patterns; the
 * answer is always the first rule in file order whose conditions all hold.
 */
public final class RuleSet {
    /** {@link #match} and {@link #matchBeforeInspection}: no rule matches; use the default verdict. */
    public static final int NO_MATCH = -1;
    /** {@link #matchBeforeInspection}: the first candidate rule needs the request head to decide. */
    public static final int NEEDS_INSPECTION = -2;

    private final String source;
    private final Verdict defaultVerdict;
    private final int markMask;
    private final Rule[] rules;
    private final Map<String, List<String>> groups;
    private final Map<String, Integer> marks;
    private final Map<String, MarkDefinition> markDefinitions;
    /** Per rule: the steering of its mark verdict, or null (most rules). */
    private final MarkSteering[] steering;
    /** Per rule: its mark verdict's mark has a routing table. */
    private final boolean[] routes;
    /** The values of the marks that have a routing table. */
    private final int[] routingMarks;
    private final SteeringHosts steeringHosts;
    private final ListStats lists;
    private final RuleIndex index;

    RuleSet(String source, Verdict defaultVerdict, int markMask, List<Rule> rules,
            Map<String, List<String>> groups, Map<String, Integer> marks,
            Map<String, MarkDefinition> markDefinitions, ListStats lists) {
        this.source = source;
        this.defaultVerdict = defaultVerdict;
        this.markMask = markMask;
        this.rules = rules.toArray(new Rule[0]);
        this.groups = groups;
        this.marks = marks;
        this.markDefinitions = markDefinitions;
        this.lists = lists;
        this.steering = new MarkSteering[this.rules.length];
        this.routes = new boolean[this.rules.length];
        for (int i = 0; i < this.rules.length; i++) {
            Rule r = this.rules[i];
            MarkDefinition m = r.verdict() == Verdict.MARK ? markDefinition(r.mark()) : null;
            steering[i] = m == null ? null : m.steering();
            routes[i] = m != null && m.route() != null;
        }
        this.routingMarks = markDefinitions.values().stream().filter(m -> m.route() != null)
                .mapToInt(MarkDefinition::value).distinct().toArray();
        this.index = new RuleIndex(this.rules);
        this.steeringHosts = new SteeringHosts(this.rules, steering);
    }

    /** Verdict when no rule matches: {@link Verdict#ACCEPT} or {@link Verdict#DROP}. */
    public Verdict defaultVerdict() {
        return defaultVerdict;
    }

    /** The packet-mark bits a mark verdict may set; non-zero and inside {@link MarkBits#USER_MASK}. */
    public int markMask() {
        return markMask;
    }

    public int size() {
        return rules.length;
    }

    /** The rule at {@code index} (0-based, file order). */
    public Rule rule(int index) {
        return rules[index];
    }

    /** Named address groups, each as canonical CIDR texts, in file order. */
    public Map<String, List<String>> groups() {
        return groups;
    }

    /** Named marks, in file order. */
    public Map<String, Integer> marks() {
        return marks;
    }

    /**
     * Named marks with what is attached to them (routing table and route, shaping class,
     * steering), in file order. A plain {@code name: NUMBER} mark has none of them.
     */
    public Map<String, MarkDefinition> markDefinitions() {
        return markDefinitions;
    }

    /**
     * The named mark with this value that has a table, shape or steering attached (values of
     * such marks are unique), else a plain one with this value, or null when no named mark has it.
     */
    public MarkDefinition markDefinition(int value) {
        MarkDefinition plain = null;
        for (MarkDefinition m : markDefinitions.values()) {
            if (m.value() == value) {
                if (m.route() != null || m.shape() != null || m.steering() != null) {
                    return m;
                }
                plain = plain == null ? m : plain;
            }
        }
        return plain;
    }

    /**
     * How the mark verdict of the rule at {@code index} steers whole connections, or null when
     * the rule does not mark or its mark does not steer. Allocates nothing.
     */
    public MarkSteering steering(int index) {
        return index < 0 ? null : steering[index];
    }

    /**
     * True when the rule at {@code index} marks with a mark that has a routing table: such a mark
     * must not be put on a live connection (a new route mid-connection breaks it). Allocates nothing.
     */
    public boolean routes(int index) {
        return index >= 0 && routes[index];
    }

    /** True when {@code markValue} is the value of a named mark with a routing table. Allocates nothing. */
    public boolean routesMark(int markValue) {
        for (int v : routingMarks) {
            if (v == markValue) {
                return true;
            }
        }
        return false;
    }

    /**
     * The index of the first rule whose verdict is a steering mark ({@link #steering} not null)
     * and whose {@code host:}, {@code host_file:} and {@code host_regex:} conditions hold for
     * {@code host} (canonical form: lower case, no trailing dot), or {@link #NO_MATCH}. The rule's
     * other conditions are ignored: this is for a DNS answer, which names a host and nothing else.
     * Rules without a host condition never match. Indexed like {@link #match}; allocates nothing
     * (RE2/J aside).
     */
    public int steeringRuleForHost(String host) {
        return steeringHosts.match(host);
    }

    /** True when some steering rule has a host condition, so DNS answers can steer. */
    public boolean steersByHost() {
        return !steeringHosts.isEmpty();
    }

    /** The file the rules came from, as given to the loader. */
    public String source() {
        return source;
    }

    /**
     * One line, e.g. {@code 12 rules, 2 groups, 1 mark, default accept}, or with list files
     * {@code 9 rules, 2 groups, 1 mark, 12 list entries from 2 files (3 AdBlock lines skipped), default accept}.
     */
    public String summary() {
        return plural(rules.length, "rule") + ", " + plural(groups.size(), "group") + ", "
                + plural(marks.size(), "mark") + lists.summaryPart() + ", default " + defaultVerdict.label();
    }

    private static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }

    /**
     * The index of the first rule whose conditions all hold for {@code f}, or {@link #NO_MATCH}.
     * Host, path, method, protocol, alpn, tls and regex conditions hold only once
     * {@link Facts#applicationKnown} is set; host/path/method never hold when that fact is
     * missing, and alpn/tls never hold without a ClientHello ({@link Facts#helloSeen}).
     * Allocates nothing (RE2/J allocates a little per regex checked).
     */
    public int match(Facts f) {
        return index.match(f);
    }

    /**
     * Decides from addresses and ports alone when that is enough: the index of the first rule
     * whose address and port conditions hold if it has no other conditions,
     * {@link #NEEDS_INSPECTION} if it has, or {@link #NO_MATCH} if no rule's address and port
     * conditions hold. Allocates nothing.
     */
    public int matchBeforeInspection(Facts f) {
        return index.matchBeforeInspection(f);
    }

    @Override
    public String toString() {
        return source + ": " + summary();
    }
}
