package org.nfqwall.control;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One response on the control socket: a JSON object on one line, {@code {"ok":true,...}} with
 * the command's fields, or {@code {"ok":false,"errors":["...",...]}} (possibly with fields too).
 * A connection the daemon refuses gets a failure with {@code "refused":true} and is closed.
 * Immutable.
 *
 * @param ok whether the command did what was asked
 * @param errors what went wrong, one message each (empty when ok)
 * @param fields the command's result, in order
 */
public record ControlResponse(boolean ok, List<String> errors, Map<String, Object> fields) {
    public ControlResponse {
        errors = List.copyOf(errors);
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        if (fields.containsKey("ok") || fields.containsKey("errors")) {
            throw new IllegalArgumentException("ok and errors are not fields");
        }
    }

    public static ControlResponse success(Map<String, Object> fields) {
        return new ControlResponse(true, List.of(), fields);
    }

    public static ControlResponse failure(List<String> errors, Map<String, Object> fields) {
        return new ControlResponse(false, errors, fields);
    }

    public static ControlResponse failure(String error) {
        return new ControlResponse(false, List.of(error), Map.of());
    }

    /** The answer to a peer the daemon does not serve. */
    public static ControlResponse refused(String why) {
        return new ControlResponse(false, List.of(why), Map.of("refused", true));
    }

    /** True when the daemon refused the connection (not allowed, or too many connections). */
    public boolean refused() {
        return Boolean.TRUE.equals(fields.get("refused"));
    }

    /** The response as one line of JSON (no newline). */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", ok);
        if (!ok) {
            m.put("errors", errors);
        }
        m.putAll(fields);
        return Json.write(m);
    }

    /** Reads one response line. */
    public static ControlResponse fromJson(String line) throws ProtocolException {
        Map<String, Object> m;
        try {
            m = Json.parseObject(line);
        } catch (Json.JsonException e) {
            throw new ProtocolException("the daemon's answer is not JSON: " + e.getMessage());
        }
        if (!(m.remove("ok") instanceof Boolean ok)) {
            throw new ProtocolException("the daemon's answer has no \"ok\": " + line);
        }
        List<String> errors = new ArrayList<>();
        Object e = m.remove("errors");
        if (e instanceof List<?> list) {
            for (Object o : list) {
                errors.add(String.valueOf(o));
            }
        } else if (e != null || !ok) {
            throw new ProtocolException("the daemon's failure has no \"errors\" list: " + line);
        }
        return new ControlResponse(ok, errors, m);
    }

    /** A string field, or null. */
    public String string(String key) {
        return fields.get(key) instanceof String s ? s : null;
    }

    /** An integer field, or {@code orElse}. */
    public long number(String key, long orElse) {
        return fields.get(key) instanceof Number n ? n.longValue() : orElse;
    }

    /** A boolean field, or false. */
    public boolean flag(String key) {
        return Boolean.TRUE.equals(fields.get(key));
    }
}
