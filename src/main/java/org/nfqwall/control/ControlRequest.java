package org.nfqwall.control;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One request on the control socket: a JSON object on one line, e.g.
 * {@code {"cmd":"reload","rules":"/etc/nfqwall/rules.yaml","dry_run":true}}.
 *
 * <p>Commands: {@value #RELOAD} (optional {@code rules}, an absolute path, and {@code dry_run}),
 * {@value #STATS}, {@value #STATUS} and {@value #BLOCKS} (no arguments), {@value #BLOCK}
 * ({@code src}, {@code dst}, {@code host}: at least one; {@code seconds}, {@code reason}) and
 * {@value #UNBLOCK} ({@code id}, or the selectors of the block). Unknown commands and keys, and
 * keys of the wrong type, are refused. Immutable.
 *
 * @param cmd the command
 * @param rules the rules file to load instead of the one in force, or null ({@value #RELOAD} only)
 * @param dryRun load and compare only, swap nothing ({@value #RELOAD} only)
 * @param block the arguments of {@value #BLOCK} and {@value #UNBLOCK}, else null
 */
public record ControlRequest(String cmd, String rules, boolean dryRun, BlockArgs block) {
    public static final String RELOAD = "reload";
    public static final String STATS = "stats";
    public static final String STATUS = "status";
    public static final String BLOCK = "block";
    public static final String UNBLOCK = "unblock";
    public static final String BLOCKS = "blocks";
    /** Longest request line the daemon reads: {@value} bytes. */
    public static final int MAX_REQUEST_BYTES = 64 * 1024;
    /** Longest response line a client reads: {@value} bytes (statistics of many thousand rules). */
    public static final int MAX_RESPONSE_BYTES = 64 << 20;

    private static final Set<String> COMMANDS = Set.of(RELOAD, STATS, STATUS, BLOCK, UNBLOCK, BLOCKS);
    private static final String COMMAND_LIST = "reload, stats, status, block, unblock, blocks";

    public ControlRequest(String cmd, String rules, boolean dryRun) {
        this(cmd, rules, dryRun, null);
    }

    public ControlRequest {
        if (!COMMANDS.contains(cmd)) {
            throw new IllegalArgumentException("unknown command " + cmd);
        }
        if (!RELOAD.equals(cmd) && (rules != null || dryRun)) {
            throw new IllegalArgumentException("rules and dry_run belong to reload only");
        }
        boolean blockCmd = BLOCK.equals(cmd) || UNBLOCK.equals(cmd);
        if (blockCmd != (block != null)) {
            throw new IllegalArgumentException("block arguments belong to block and unblock, and they need them");
        }
    }

    public static ControlRequest block(String src, String dst, String host, long seconds, String reason) {
        return new ControlRequest(BLOCK, null, false, new BlockArgs(null, src, dst, host, seconds, reason));
    }

    /** Removes block {@code id}. */
    public static ControlRequest unblock(long id) {
        return new ControlRequest(UNBLOCK, null, false, new BlockArgs(id, null, null, null, 0, null));
    }

    /** Removes the blocks with exactly these selectors. */
    public static ControlRequest unblock(String src, String dst, String host) {
        return new ControlRequest(UNBLOCK, null, false, new BlockArgs(null, src, dst, host, 0, null));
    }

    public static ControlRequest blocks() {
        return new ControlRequest(BLOCKS, null, false, null);
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
        if (block != null) {
            putIfSet(m, "id", block.id());
            putIfSet(m, "src", block.src());
            putIfSet(m, "dst", block.dst());
            putIfSet(m, "host", block.host());
            if (BLOCK.equals(cmd)) {
                m.put("seconds", block.seconds());
            }
            putIfSet(m, "reason", block.reason());
        }
        return Json.write(m);
    }

    private static void putIfSet(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
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
            throw new ProtocolException("missing \"cmd\", expected one of " + COMMAND_LIST);
        }
        if (!COMMANDS.contains(cmd)) {
            throw new ProtocolException("unknown command \"" + cmd + "\", expected one of " + COMMAND_LIST);
        }
        if (BLOCK.equals(cmd) || UNBLOCK.equals(cmd)) {
            return blockRequest(cmd, m);
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

    private static ControlRequest blockRequest(String cmd, Map<String, Object> m) throws ProtocolException {
        Set<String> keys = BLOCK.equals(cmd) ? Set.of("cmd", "src", "dst", "host", "seconds", "reason")
                : Set.of("cmd", "id", "src", "dst", "host");
        for (String key : m.keySet()) {
            if (!keys.contains(key)) {
                throw new ProtocolException("unknown key \"" + key + "\" for " + cmd + ", expected "
                        + (BLOCK.equals(cmd) ? "cmd, src, dst, host, seconds, reason" : "cmd, id, src, dst, host"));
            }
        }
        String src = optionalString(m, "src");
        String dst = optionalString(m, "dst");
        String host = optionalString(m, "host");
        String reason = optionalString(m, "reason");
        Object id = m.get("id");
        if (id != null && !(id instanceof Long)) {
            throw new ProtocolException("\"id\" must be a whole number: the block's id from the blocks command");
        }
        BlockArgs args;
        if (BLOCK.equals(cmd)) {
            if (!(m.get("seconds") instanceof Long seconds) || seconds < 1) {
                throw new ProtocolException("\"seconds\" must be a whole number of seconds, at least 1");
            }
            args = new BlockArgs(null, src, dst, host, seconds, reason);
            if (!args.hasSelectors()) {
                throw new ProtocolException("block needs at least one of \"src\", \"dst\" and \"host\"");
            }
        } else {
            args = new BlockArgs((Long) id, src, dst, host, 0, null);
            if ((id == null) == !args.hasSelectors()) {
                throw new ProtocolException("unblock needs either \"id\" or the selectors (src, dst, host) of the block,"
                        + " not both");
            }
        }
        return new ControlRequest(cmd, null, false, args);
    }

    private static String optionalString(Map<String, Object> m, String key) throws ProtocolException {
        Object v = m.get(key);
        if (v != null && !(v instanceof String)) {
            throw new ProtocolException("\"" + key + "\" must be a string");
        }
        return (String) v;
    }
}
