package org.nfqwall.control;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One request on the control socket: a JSON object on one line, e.g.
 * {@code {"cmd":"reload","rules":"/etc/nfqwall/rules.yaml","dry_run":true}}.
 *
 * <p>Commands: {@value #RELOAD} (optional {@code rules}, an absolute path, and {@code dry_run}),
 * {@value #STATS} and {@value #STATUS} (no arguments). Unknown commands and keys, and keys of
 * the wrong type, are refused. Immutable.
 *
 * @param cmd the command
 * @param rules the rules file to load instead of the one in force, or null ({@value #RELOAD} only)
 * @param dryRun load and compare only, swap nothing ({@value #RELOAD} only)
 */
public record ControlRequest(String cmd, String rules, boolean dryRun) {
    public static final String RELOAD = "reload";
    public static final String STATS = "stats";
    public static final String STATUS = "status";
    /** Longest request line the daemon reads: {@value} bytes. */
    public static final int MAX_REQUEST_BYTES = 64 * 1024;
    /** Longest response line a client reads: {@value} bytes (statistics of many thousand rules). */
    public static final int MAX_RESPONSE_BYTES = 64 << 20;

    private static final Set<String> COMMANDS = Set.of(RELOAD, STATS, STATUS);

    public ControlRequest {
        if (!COMMANDS.contains(cmd)) {
            throw new IllegalArgumentException("unknown command " + cmd);
        }
        if (!RELOAD.equals(cmd) && (rules != null || dryRun)) {
            throw new IllegalArgumentException("rules and dry_run belong to reload only");
        }
    }

    public static ControlRequest reload(String rules, boolean dryRun) {
        return new ControlRequest(RELOAD, rules, dryRun);
    }

    public static ControlRequest stats() {
        return new ControlRequest(STATS, null, false);
    }

    public static ControlRequest status() {
        return new ControlRequest(STATUS, null, false);
    }

    /** The request as one line of JSON (no newline). */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cmd", cmd);
        if (rules != null) {
            m.put("rules", rules);
        }
        if (RELOAD.equals(cmd)) {
            m.put("dry_run", dryRun);
        }
        return Json.write(m);
    }

    /** Reads one request line; the exception's message is what the server answers. */
    public static ControlRequest fromJson(String line) throws ProtocolException {
        Map<String, Object> m;
        try {
            m = Json.parseObject(line);
        } catch (Json.JsonException e) {
            throw new ProtocolException(e.getMessage() + "; expected one JSON object per line, e.g. {\"cmd\":\"status\"}");
        }
        if (!(m.get("cmd") instanceof String cmd)) {
            throw new ProtocolException("missing \"cmd\", expected one of reload, stats, status");
        }
        if (!COMMANDS.contains(cmd)) {
            throw new ProtocolException("unknown command \"" + cmd + "\", expected one of reload, stats, status");
        }
        for (String key : m.keySet()) {
            boolean known = key.equals("cmd") || (RELOAD.equals(cmd) && (key.equals("rules") || key.equals("dry_run")));
            if (!known) {
                throw new ProtocolException("unknown key \"" + key + "\" for " + cmd + ", expected "
                        + (RELOAD.equals(cmd) ? "cmd, rules, dry_run" : "cmd only"));
            }
        }
        Object rules = m.get("rules");
        if (m.containsKey("rules") && !(rules instanceof String)) {
            throw new ProtocolException("\"rules\" must be a string: the absolute path of a rules file");
        }
        Object dryRun = m.getOrDefault("dry_run", Boolean.FALSE);
        if (!(dryRun instanceof Boolean)) {
            throw new ProtocolException("\"dry_run\" must be true or false");
        }
        return new ControlRequest(cmd, (String) rules, (Boolean) dryRun);
    }
}
