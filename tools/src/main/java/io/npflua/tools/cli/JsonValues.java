package io.npflua.tools.cli;

import io.npflua.engine.json.Json;
import java.util.Map;

/** Reads members of values parsed by {@code Json.parseObject} and writes such values back as JSON. */
final class JsonValues {
    private JsonValues() {}

    /** {@code value} as compact JSON text. */
    static String render(Object value) {
        return Json.write(g -> Json.value(g, value));
    }

    /** A number member of {@code map} as a long (0 when absent). */
    static long number(Map<String, Object> map, String key) {
        Object v = map.get(key);
        return v instanceof Number n ? n.longValue() : 0;
    }

    /** A string member of {@code map} ("-" when absent or null). */
    static String text(Map<String, Object> map, String key) {
        Object v = map.get(key);
        return v == null ? "-" : v.toString();
    }
}
