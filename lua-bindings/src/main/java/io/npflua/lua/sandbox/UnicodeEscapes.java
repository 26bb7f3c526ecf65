package io.npflua.lua.sandbox;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Lua 5.3's {@code &#92;u{XXX}} escape in short strings, which LuaJ 3.0.1's lexer reads as a plain {@code u}: before the
 * source reaches LuaJ, each such escape inside a quoted string becomes the decimal escapes of its UTF-8 bytes
 * ({@code "&#92;u{48}"} becomes {@code "\72"}). Comments and long strings are skipped, as the lexer skips them; lines stay
 * where they are, so error positions do not move. An escape that is not well formed is left alone.
 */
final class UnicodeEscapes {
    private UnicodeEscapes() {}

    /** {@code source} with every well-formed {@code &#92;u{XXX}} of a short string rewritten; the same array if none. */
    static byte[] rewrite(byte[] source) {
        if (!contains(source)) {
            return source;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(source.length + 16);
        int i = 0;
        int n = source.length;
        while (i < n) {
            byte c = source[i];
            if (c == '-' && i + 1 < n && source[i + 1] == '-') {
                int end = i + 2;
                int level = longBracket(source, end);
                if (level >= 0) {
                    end = closeLong(source, end + level + 2, level);
                } else {
                    while (end < n && source[end] != '\n') {
                        end++;
                    }
                }
                out.write(source, i, end - i);
                i = end;
            } else if (c == '[' && longBracket(source, i) >= 0) {
                int level = longBracket(source, i);
                int end = closeLong(source, i + level + 2, level);
                out.write(source, i, end - i);
                i = end;
            } else if (c == '"' || c == '\'') {
                out.write(c);
                i++;
                while (i < n && source[i] != c && source[i] != '\n') {
                    if (source[i] == '\\' && i + 1 < n) {
                        int consumed = escape(source, i, out);
                        if (consumed > 0) {
                            i += consumed;
                            continue;
                        }
                        out.write(source, i, 2);
                        i += 2;
                        continue;
                    }
                    out.write(source[i++]);
                }
            } else {
                out.write(c);
                i++;
            }
        }
        return out.toByteArray();
    }

    private static boolean contains(byte[] s) {
        for (int i = 0; i + 2 < s.length; i++) {
            if (s[i] == '\\' && s[i + 1] == 'u' && s[i + 2] == '{') {
                return true;
            }
        }
        return false;
    }

    /** The level of a long bracket {@code [==[} opening at {@code i}, or -1. */
    private static int longBracket(byte[] s, int i) {
        if (i >= s.length || s[i] != '[') {
            return -1;
        }
        int j = i + 1;
        while (j < s.length && s[j] == '=') {
            j++;
        }
        return j < s.length && s[j] == '[' ? j - i - 1 : -1;
    }

    /** The index after the {@code ]==]} of {@code level} that closes a long bracket whose body starts at {@code i}. */
    private static int closeLong(byte[] s, int i, int level) {
        for (int j = i; j < s.length; j++) {
            if (s[j] == ']') {
                int k = j + 1;
                while (k < s.length && s[k] == '=') {
                    k++;
                }
                if (k < s.length && s[k] == ']' && k - j - 1 == level) {
                    return k + 1;
                }
            }
        }
        return s.length;
    }

    /** At a backslash: writes a {@code &#92;u{XXX}} escape as decimal escapes, returning its length; 0 if not one. */
    private static int escape(byte[] s, int i, ByteArrayOutputStream out) {
        if (s[i + 1] != 'u' || i + 2 >= s.length || s[i + 2] != '{') {
            return 0;
        }
        long cp = 0;
        int j = i + 3;
        int digits = 0;
        while (j < s.length && Character.digit(s[j], 16) >= 0) {
            cp = cp * 16 + Character.digit(s[j], 16);
            if (cp > 0x7FFFFFFFL) {
                return 0;
            }
            j++;
            digits++;
        }
        if (digits == 0 || j >= s.length || s[j] != '}') {
            return 0;
        }
        for (int b : utf8((int) cp)) {
            out.writeBytes(("\\" + b).getBytes(StandardCharsets.US_ASCII));
        }
        return j + 1 - i;
    }

    /** Lua's UTF-8 encoding of a code point up to 2^31 (the original 6-byte form above U+10FFFF). */
    static int[] utf8(int cp) {
        if (cp < 0x80) {
            return new int[] {cp};
        }
        int[] buf = new int[6];
        int n = 0;
        int limit = 0x3f; // largest value that fits in the first byte's payload
        int x = cp;
        do {
            buf[5 - n++] = 0x80 | (x & 0x3f);
            x >>>= 6;
            limit >>= 1;
        } while (x > limit);
        buf[5 - n] = ((~limit << 1) & 0xff) | x;
        n++;
        int[] out = new int[n];
        System.arraycopy(buf, 6 - n, out, 0, n);
        return out;
    }
}
