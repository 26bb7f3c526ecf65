package io.npflua.engine.json;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonWriteFeature;

/**
 * JSON through Jackson's streaming API (jackson-core only: no data binding). One shared factory per use; parsing
 * builds plain values (objects {@code Map<String, Object>} in insertion order, arrays {@code List<Object>}, strings,
 * {@code Long} for integers that fit else {@code Double}, {@code Boolean}, {@code null}); writing goes through a
 * {@link JsonGenerator}. Not for the hot path.
 */
public final class Json {
    /**
     * The bounds of a control request: at most 32 levels deep (requests are flat; this only stops hostile input from
     * exhausting the stack), 1 MiB in all (a script's source fits) and so 1 MiB per string.
     */
    public static final StreamReadConstraints CONTROL_CONSTRAINTS = StreamReadConstraints.builder()
            .maxNestingDepth(32)
            .maxDocumentLength(1 << 20)
            .maxStringLength(1 << 20)
            .maxNameLength(1024)
            .maxNumberLength(64)
            .build();

    /** For the control protocol: strict (duplicate names rejected) and bounded by {@link #CONTROL_CONSTRAINTS}. */
    public static final JsonFactory CONTROL = JsonFactory.builder()
            .streamReadConstraints(CONTROL_CONSTRAINTS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonWriteFeature.ESCAPE_FORWARD_SLASHES)
            .build();

    /** For everything we write and for reading our own output back: Jackson's default bounds, strict names. */
    public static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // Jackson 3 escapes '/' by default; paths and rule names read better without, and JSON does not need it.
            .disable(JsonWriteFeature.ESCAPE_FORWARD_SLASHES)
            .build();

    private Json() {}

    /** Parses {@code text}, which must be exactly one JSON object, with the default bounds. */
    public static Map<String, Object> parseObject(String text) throws JsonException {
        return parseObject(FACTORY, text);
    }

    /** Parses {@code text}, which must be exactly one JSON object (white space around it allowed), with factory's bounds. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(JsonFactory factory, String text) throws JsonException {
        try (JsonParser p = factory.createParser(ObjectReadContext.empty(), text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new JsonException("invalid JSON: unexpected end of input (empty request)");
            }
            if (first != JsonToken.START_OBJECT) {
                throw new JsonException("invalid JSON: expected a JSON object, not " + JsonToken.valueDescFor(first));
            }
            Object value = value(p, first);
            JsonToken after;
            try {
                after = p.nextToken();
            } catch (JacksonException e) {
                after = JsonToken.NOT_AVAILABLE;
            }
            if (after != null) {
                throw new JsonException("invalid JSON at offset "
                        + p.currentTokenLocation().getCharOffset() + ": unexpected text after the value");
            }
            return (Map<String, Object>) value;
        } catch (JacksonException e) {
            throw new JsonException("invalid JSON: " + e.getOriginalMessage() + " (at offset "
                    + (e.getLocation() == null ? -1 : e.getLocation().getCharOffset()) + ")");
        }
    }

    private static Object value(JsonParser p, JsonToken t) {
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (JsonToken n = p.nextToken(); n != JsonToken.END_OBJECT; n = p.nextToken()) {
                    String name = p.currentName();
                    map.put(name, value(p, p.nextToken()));
                }
                return map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonToken n = p.nextToken(); n != JsonToken.END_ARRAY; n = p.nextToken()) {
                    list.add(value(p, n));
                }
                return list;
            }
            case VALUE_STRING -> {
                return p.getString();
            }
            case VALUE_NUMBER_INT -> {
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    return p.getDoubleValue();
                }
                return p.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getDoubleValue();
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new IllegalStateException("unexpected JSON token " + t);
        }
    }

    /** Runs {@code body} on a generator over a string and returns the compact JSON text it wrote. */
    public static String write(Consumer<JsonGenerator> body) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = FACTORY.createGenerator(ObjectWriteContext.empty(), out)) {
            body.accept(g);
        }
        return out.toString();
    }

    /** Writes a finite number as is; NaN and the infinities, which JSON cannot carry, as {@code null}. */
    public static void number(JsonGenerator g, double value) {
        if (Double.isFinite(value)) {
            g.writeNumber(value);
        } else {
            g.writeNull();
        }
    }

    /**
     * Writes a value of the shapes {@link #parseObject} returns (and {@code Integer}; anything else as its string)
     * back as JSON.
     */
    public static void value(JsonGenerator g, Object value) {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                g.writeName(String.valueOf(e.getKey()));
                value(g, e.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof List<?> list) {
            g.writeStartArray();
            for (Object o : list) {
                value(g, o);
            }
            g.writeEndArray();
        } else if (value instanceof Long n) {
            g.writeNumber(n.longValue());
        } else if (value instanceof Integer n) {
            g.writeNumber(n.intValue());
        } else if (value instanceof Double d) {
            number(g, d);
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else {
            g.writeString(value.toString());
        }
    }

    /** Malformed JSON; the message says what and where. */
    public static final class JsonException extends Exception {
        private static final long serialVersionUID = 1L;

        /** With the message to show. */
        public JsonException(String message) {
            super(message);
        }
    }
}
