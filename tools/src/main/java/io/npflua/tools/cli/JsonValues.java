package io.npflua.tools.cli;

import io.npflua.engine.json.JsonWriter;
import java.util.List;
import java.util.Map;

/** Writes values parsed by {@code JsonReader} (maps, lists, strings, numbers, booleans, null) back as JSON. */
final class JsonValues {
    private JsonValues() {}

    /** {@code value} as compact JSON text. */
    static String render(Object value) {
        JsonWriter w = new JsonWriter();
        write(value, w);
        return w.toString();
    }

    /** Writes {@code value} into {@code w}. */
    static void write(Object value, JsonWriter w) {
        if (value == null) {
            w.value((String) null);
        } else if (value instanceof Map<?, ?> map) {
            w.beginObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                w.name(String.valueOf(e.getKey()));
                write(e.getValue(), w);
            }
            w.endObject();
        } else if (value instanceof List<?> list) {
            w.beginArray();
            for (Object o : list) {
                write(o, w);
            }
            w.endArray();
        } else if (value instanceof Long n) {
            w.value(n.longValue());
        } else if (value instanceof Integer n) {
            w.value(n.longValue());
        } else if (value instanceof Double d) {
            w.value(d.doubleValue());
        } else if (value instanceof Boolean b) {
            w.value(b.booleanValue());
        } else {
            w.value(value.toString());
        }
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
