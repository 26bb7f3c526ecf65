package io.npflua.engine.json;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaString;

/**
 * The text of a script's string as the event log and the top reasons write it: always valid UTF-8, so no record is ever refused for its
 * content. A Lua string is bytes: each valid UTF-8 sequence becomes its character, and each byte that is not part of
 * one (a stray continuation byte, a cut-off sequence, an overlong form, an encoded UTF-16 surrogate, anything past
 * U+10FFFF) becomes the four characters {@code \xHH} (lower-case hex, as Python's {@code backslashreplace}). LuaJ's
 * own {@code tojstring()} is not used: it turns such bytes into lone surrogates (which a UTF-8 writer refuses) or
 * into other characters, and it mangles valid four-byte sequences. Stateless (any thread); allocates.
 */
public final class Utf8Text {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Utf8Text() {}

    /** The string's bytes as text, invalid bytes as {@code \xHH}; null for null. */
    public static String of(LuaString s) {
        if (s == null) {
            return null;
        }
        byte[] b = s.m_bytes;
        int off = s.m_offset;
        int n = s.m_length;
        boolean ascii = true;
        for (int i = 0; i < n && ascii; i++) {
            ascii = b[off + i] >= 0;
        }
        if (ascii) {
            return new String(b, off, n, StandardCharsets.US_ASCII);
        }
        // The decoder reports malformed input (its default): those bytes are escaped here one by one. A valid byte
        // gives at most one char, an escaped one four.
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
        ByteBuffer in = ByteBuffer.wrap(b, off, n);
        CharBuffer out = CharBuffer.allocate(4 * n);
        while (true) {
            CoderResult r = decoder.decode(in, out, true);
            if (r.isUnderflow()) {
                break;
            }
            for (int i = r.length(); i > 0; i--) {
                escape(in.get() & 0xff, out);
            }
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    /**
     * {@code s} with each lone UTF-16 surrogate (a string LuaJ decoded from bytes that were not UTF-8, e.g. an error
     * message quoting them) written as {@code \xHH} of the three bytes that encode it, as {@link #of(LuaString)} writes
     * those bytes; {@code s} itself when it has none (the usual case: one scan, no copy). Null for null.
     */
    public static String of(String s) {
        if (s == null) {
            return null;
        }
        int n = s.length();
        int i = 0;
        while (i < n && !lone(s, i)) {
            i += Character.isHighSurrogate(s.charAt(i)) ? 2 : 1;
        }
        if (i >= n) {
            return s;
        }
        StringBuilder b = new StringBuilder(n + 16).append(s, 0, i);
        while (i < n) {
            char c = s.charAt(i);
            if (lone(s, i)) {
                escape(0xe0 | c >>> 12, b);
                escape(0x80 | c >>> 6 & 0x3f, b);
                escape(0x80 | c & 0x3f, b);
                i++;
            } else if (Character.isHighSurrogate(c)) {
                b.append(c).append(s.charAt(i + 1));
                i += 2;
            } else {
                b.append(c);
                i++;
            }
        }
        return b.toString();
    }

    /** True when the char at {@code i} is a surrogate that is not half of a pair. */
    private static boolean lone(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        return Character.isLowSurrogate(c);
    }

    private static void escape(int b, CharBuffer out) {
        out.put('\\').put('x').put(HEX[b >>> 4]).put(HEX[b & 0xf]);
    }

    private static void escape(int b, StringBuilder out) {
        out.append('\\').append('x').append(HEX[b >>> 4]).append(HEX[b & 0xf]);
    }
}
