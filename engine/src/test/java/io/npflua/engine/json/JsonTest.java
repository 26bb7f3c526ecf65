package io.npflua.engine.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void shouldEscapeQuotesBackslashesAndControlCharactersAndKeepSlashes() {
        String s = Json.write(g -> {
            g.writeStartObject();
            g.writeStringProperty("k\"ey", "a\\b\"c\n\t\u0001é😀/x");
            g.writeEndObject();
        });
        assertEquals("{\"k\\\"ey\":\"a\\\\b\\\"c\\n\\t\\u0001é😀/x\"}", s);
    }

    @Test
    void shouldWriteParsedValuesBackAndNonFiniteNumbersAsNull() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", 1L);
        m.put("b", Arrays.asList(1, "x", Map.of(), List.of()));
        m.put("c", true);
        m.put("d", null);
        m.put("e", Double.NaN);
        m.put("f", 2.5);
        assertEquals(
                "{\"a\":1,\"b\":[1,\"x\",{},[]],\"c\":true,\"d\":null,\"e\":null,\"f\":2.5}",
                Json.write(g -> Json.value(g, m)));
    }

    @Test
    void shouldRoundTripRandomStringsThroughGeneratorAndParser() throws Exception {
        Random random = new Random(42);
        for (int n = 0; n < 2000; n++) {
            StringBuilder sb = new StringBuilder();
            int len = random.nextInt(40);
            for (int i = 0; i < len; i++) {
                sb.append((char) (random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0xD800)));
            }
            String original = sb.toString();
            String json = Json.write(g -> {
                g.writeStartObject();
                g.writeStringProperty("s", original);
                g.writeEndObject();
            });
            assertEquals(original, Json.parseObject(json).get("s"), json);
        }
    }

    @Test
    void shouldParseNumbersLiteralsAndNesting() throws Exception {
        Map<String, Object> m =
                Json.parseObject(" {\"i\": -12, \"big\": 12345678901234567890, \"f\": 1.5e3, \"t\": true, \"n\": null,"
                        + " \"a\": [false, \"\\u00e9\\/\"]} ");
        assertEquals(-12L, m.get("i"));
        assertEquals(1.2345678901234567e19, (Double) m.get("big"), 1e5);
        assertEquals(1500.0, m.get("f"));
        assertEquals(Boolean.TRUE, m.get("t"));
        assertEquals(null, m.get("n"));
        assertEquals(List.of(false, "é/"), m.get("a"));
    }

    @Test
    void shouldRejectMalformedInputWithWhatAndWhere() {
        for (String bad : List.of(
                "",
                "{",
                "{\"a\"}",
                "{\"a\":}",
                "{\"a\":1,}",
                "[1 2]",
                "01",
                "{\"a\":1.}",
                "{\"a\":-}",
                "{\"a\":tru}",
                "{\"a\":\"\\x\"}",
                "{\"a\":\"\\u12\"}",
                "{\"a\":\"a\nb\"}",
                "{\"a\":1,\"a\":2}",
                "{} {}",
                "{'a':1}")) {
            Json.JsonException e = assertThrows(Json.JsonException.class, () -> Json.parseObject(bad), bad);
            assertTrue(e.getMessage().startsWith("invalid JSON"), e.getMessage());
        }
    }

    @Test
    void shouldBoundControlRequestsByJacksonsReadConstraints() {
        String deep = "{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}";
        Json.JsonException e = assertThrows(Json.JsonException.class, () -> Json.parseObject(Json.CONTROL, deep));
        assertTrue(e.getMessage().contains("nesting depth"), e.getMessage());
        String huge = "{\"source\":\"" + "x".repeat((1 << 20) + 10) + "\"}";
        e = assertThrows(Json.JsonException.class, () -> Json.parseObject(Json.CONTROL, huge));
        assertTrue(e.getMessage().contains("length"), e.getMessage());
    }
}
