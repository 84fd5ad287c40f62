package org.nfqwall.lab;

import java.util.Map;
import org.nfqwall.control.Json.JsonException;

/**
 * Reads the JSON the lab tools print, with the product's own strict reader
 * ({@link org.nfqwall.control.Json}): objects become maps, arrays lists, integers {@code Long},
 * other numbers {@code Double}.
 */
final class Json {
    private Json() {
    }

    /** Parses one JSON object, or throws IllegalArgumentException saying what is wrong. */
    static Map<String, Object> parseObject(String text) {
        try {
            return org.nfqwall.control.Json.parseObject(text);
        } catch (JsonException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
