package org.nfqwall.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {
    @Test
    void readsEveryKindOfValueKeepingKeyOrder() throws Exception {
        Map<String, Object> m = Json.parseObject(
                " {\"z\":1,\"a\":[true,false,null,-2.5e1,\"x\"],\"o\":{},\"l\":[] ,\"big\":9007199254740993} ");
        assertEquals(List.of("z", "a", "o", "l", "big"), List.copyOf(m.keySet()));
        assertEquals(1L, m.get("z"));
        assertEquals(Arrays.asList(true, false, null, -25.0, "x"), m.get("a"));
        assertEquals(Map.of(), m.get("o"));
        assertEquals(9007199254740993L, m.get("big"), "integers stay exact longs");
    }

    @Test
    void readsEscapesAndSurrogatePairs() throws Exception {
        assertEquals("a\"b\\c/d\b\f\n\r\té😀", Json.parse("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\""));
    }

    @Test
    void writesOneLineThatReadsBack() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "line\nbreak \"quoted\" \u0001 \u2028 é");
        m.put("n", 42);
        m.put("d", 1.5);
        m.put("b", true);
        m.put("null", null);
        m.put("list", List.of(1L, "two", Map.of("k", false)));
        String json = Json.write(m);
        assertFalse(json.contains("\n"), json);
        assertEquals("{\"s\":\"line\\nbreak \\\"quoted\\\" \\u0001 \\u2028 é\",\"n\":42,\"d\":1.5,\"b\":true,\"null\":null,"
                + "\"list\":[1,\"two\",{\"k\":false}]}", json);
        Map<String, Object> back = Json.parseObject(json);
        assertEquals(m.get("s"), back.get("s"));
        assertEquals(42L, back.get("n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "{\"a\":1,}", "{\"a\":1}x", "{\"a\":1,\"a\":2}", "{a:1}", "{\"a\":01}",
        "{\"a\":1.}", "{\"a\":-}", "{\"a\":\"\u0001\"}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\ud800\"}",
        "{\"a\":tru}", "{\"a\":[1 2]}", "{\"a\":\"unterminated}", "[1]", "{\"a\":99999999999999999999}", "{\"a\":NaN}"})
    void refusesWhatIsNotStrictJson(String text) {
        Json.JsonException e = assertThrows(Json.JsonException.class, () -> Json.parseObject(text));
        assertTrue(e.getMessage().startsWith("bad JSON at character "), e.getMessage());
    }

    @Test
    void refusesNestingDeeperThanTheLimit() {
        String deep = "{\"a\":" + "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1) + "}";
        assertThrows(Json.JsonException.class, () -> Json.parseObject(deep));
    }

    @Test
    void refusesToWriteWhatJsonCannotHold() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of(1, 2)));
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
    }
}
