package io.npflua.engine.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void shouldEscapeQuotesBackslashesAndControlCharacters() {
        String s = new JsonWriter()
                .beginObject()
                .field("k\"ey", "a\\b\"c\n\t\u0001\u007f\u2028é😀")
                .endObject()
                .toString();
        assertEquals("{\"k\\\"ey\":\"a\\\\b\\\"c\\n\\t\\u0001\\u007f\\u2028é😀\"}", s);
    }

    @Test
    void shouldEscapeLoneSurrogatesSoTheOutputIsValidUtf8() {
        String s = new JsonWriter().value("x\ud800y").toString();
        assertEquals("\"x\\ud800y\"", s);
    }

    @Test
    void shouldPlaceCommasInNestedObjectsAndArrays() {
        String s = new JsonWriter()
                .beginObject()
                .field("a", 1)
                .name("b")
                .beginArray()
                .value(1)
                .value("x")
                .beginObject()
                .endObject()
                .beginArray()
                .endArray()
                .endArray()
                .field("c", true)
                .name("d")
                .value((String) null)
                .name("e")
                .value(Double.NaN)
                .endObject()
                .toString();
        assertEquals("{\"a\":1,\"b\":[1,\"x\",{},[]],\"c\":true,\"d\":null,\"e\":null}", s);
    }

    @Test
    void shouldRoundTripRandomStringsThroughWriterAndReader() throws Exception {
        Random random = new Random(42);
        for (int n = 0; n < 2000; n++) {
            StringBuilder sb = new StringBuilder();
            int len = random.nextInt(40);
            for (int i = 0; i < len; i++) {
                sb.append((char) (random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0xD800)));
            }
            String original = sb.toString();
            String json = new JsonWriter()
                    .beginObject()
                    .field("s", original)
                    .endObject()
                    .toString();
            assertEquals(original, JsonReader.parseObject(json).get("s"), json);
        }
    }

    @Test
    void shouldParseNumbersLiteralsAndNesting() throws Exception {
        Map<String, Object> m = JsonReader.parseObject(
                " {\"i\": -12, \"big\": 12345678901234567890, \"f\": 1.5e3, \"t\": true, \"n\": null,"
                        + " \"a\": [false, \"\\u00e9\\/\"]} ");
        assertEquals(-12L, m.get("i"));
        assertEquals(1.2345678901234567e19, (Double) m.get("big"), 1e5);
        assertEquals(1500.0, m.get("f"));
        assertEquals(Boolean.TRUE, m.get("t"));
        assertEquals(null, m.get("n"));
        assertEquals(List.of(false, "é/"), m.get("a"));
    }

    @Test
    void shouldRejectMalformedInputWithItsOffset() {
        for (String bad : List.of(
                "",
                "{",
                "{\"a\"}",
                "{\"a\":}",
                "{\"a\":1,}",
                "[1 2]",
                "01",
                "1.",
                "-",
                "tru",
                "\"\\x\"",
                "\"\\u12\"",
                "\"a\nb\"",
                "{\"a\":1,\"a\":2}",
                "{} {}",
                "{'a':1}",
                "[".repeat(40))) {
            JsonReader.JsonException e = assertThrows(JsonReader.JsonException.class, () -> JsonReader.parse(bad), bad);
            org.junit.jupiter.api.Assertions.assertTrue(
                    e.getMessage().startsWith("invalid JSON at offset")
                            || e.getMessage().startsWith("expected"),
                    e.getMessage());
        }
    }
}
