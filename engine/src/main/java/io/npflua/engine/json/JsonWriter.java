package io.npflua.engine.json;

/**
 * Builds compact JSON text. Commas are inserted automatically; strings are escaped per RFC 8259 (quote, backslash,
 * control characters as {@code \\uXXXX} or their short forms; lone surrogates as {@code \\uXXXX} so that the output
 * is always valid UTF-8 when encoded). Not for the hot path.
 */
public final class JsonWriter {
    private final StringBuilder out = new StringBuilder(256);
    // One bit per nesting level: whether the next value at that level needs a comma first.
    private long needComma;
    private int depth;
    private boolean afterName;

    /** Starts an object ({@code {}). */
    public JsonWriter beginObject() {
        value();
        out.append('{');
        push();
        return this;
    }

    /** Ends the current object. */
    public JsonWriter endObject() {
        pop();
        out.append('}');
        return this;
    }

    /** Starts an array. */
    public JsonWriter beginArray() {
        value();
        out.append('[');
        push();
        return this;
    }

    /** Ends the current array. */
    public JsonWriter endArray() {
        pop();
        out.append(']');
        return this;
    }

    /** Writes a member name; the next call writes its value. */
    public JsonWriter name(String name) {
        comma();
        string(name);
        out.append(':');
        afterName = true;
        return this;
    }

    /** Writes a string value (null writes {@code null}). */
    public JsonWriter value(String value) {
        value();
        if (value == null) {
            out.append("null");
        } else {
            string(value);
        }
        return this;
    }

    /** Writes a number. */
    public JsonWriter value(long value) {
        value();
        out.append(value);
        return this;
    }

    /** Writes a finite number; NaN and infinities, which JSON cannot carry, become {@code null}. */
    public JsonWriter value(double value) {
        value();
        if (Double.isFinite(value)) {
            out.append(value);
        } else {
            out.append("null");
        }
        return this;
    }

    /** Writes a boolean. */
    public JsonWriter value(boolean value) {
        value();
        out.append(value);
        return this;
    }

    /** Shorthand for {@code name(name).value(value)}. */
    public JsonWriter field(String name, String value) {
        return name(name).value(value);
    }

    /** Shorthand for {@code name(name).value(value)}. */
    public JsonWriter field(String name, long value) {
        return name(name).value(value);
    }

    /** Shorthand for {@code name(name).value(value)}. */
    public JsonWriter field(String name, boolean value) {
        return name(name).value(value);
    }

    /** The text written so far. */
    @Override
    public String toString() {
        return out.toString();
    }

    /** Appends {@code s} as a quoted, escaped JSON string to {@code out}. */
    public static void quote(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                        hex(c, out);
                    } else if (Character.isHighSurrogate(c)
                            && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        hex(c, out);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static void hex(char c, StringBuilder out) {
        out.append("\\u");
        String h = Integer.toHexString(c);
        for (int k = h.length(); k < 4; k++) {
            out.append('0');
        }
        out.append(h);
    }

    private void string(String s) {
        quote(s, out);
    }

    private void value() {
        if (afterName) {
            afterName = false;
            return;
        }
        comma();
    }

    private void comma() {
        if (depth > 0) {
            long bit = 1L << (depth - 1);
            if ((needComma & bit) != 0) {
                out.append(',');
            } else {
                needComma |= bit;
            }
        }
    }

    private void push() {
        if (depth == 63) {
            throw new IllegalStateException("JSON nested deeper than 63 levels");
        }
        depth++;
        needComma &= ~(1L << (depth - 1));
    }

    private void pop() {
        if (depth == 0) {
            throw new IllegalStateException("end without begin");
        }
        depth--;
    }
}
