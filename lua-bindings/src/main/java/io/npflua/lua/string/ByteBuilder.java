package io.npflua.lua.string;

import io.npflua.lua.core.SizeLimitError;
import java.util.Arrays;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;

/** A growable byte buffer for strings built by the library, capped at {@link LuaStrings#MAX_STRING_BYTES}. */
final class ByteBuilder {
    private byte[] bytes;
    private int length;

    ByteBuilder(int capacity) {
        bytes = new byte[Math.max(16, Math.min(capacity, LuaStrings.MAX_STRING_BYTES))];
    }

    /** The error every builder raises at the cap. */
    static LuaError tooLarge() {
        return new SizeLimitError("resulting string too large (limit " + (LuaStrings.MAX_STRING_BYTES >> 20) + " MiB)");
    }

    /** Throws {@link #tooLarge()} if a string of {@code n} bytes would exceed the cap. */
    static void checkSize(long n) {
        if (n > LuaStrings.MAX_STRING_BYTES) {
            throw tooLarge();
        }
    }

    private void ensure(int extra) {
        long need = (long) length + extra;
        if (need > bytes.length) {
            checkSize(need);
            bytes = Arrays.copyOf(
                    bytes, (int) Math.min(LuaStrings.MAX_STRING_BYTES, Math.max(need, bytes.length * 2L)));
        }
    }

    ByteBuilder append(int b) {
        ensure(1);
        bytes[length++] = (byte) b;
        return this;
    }

    ByteBuilder append(byte[] src, int off, int len) {
        ensure(len);
        System.arraycopy(src, off, bytes, length, len);
        length += len;
        return this;
    }

    ByteBuilder append(LuaString s) {
        return append(s.m_bytes, s.m_offset, s.m_length);
    }

    /** Appends a Java string's chars as bytes (ISO-8859-1: every char here is ASCII or a byte). */
    ByteBuilder append(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            bytes[length++] = (byte) s.charAt(i);
        }
        return this;
    }

    int length() {
        return length;
    }

    LuaString toLuaString() {
        return LuaString.valueUsing(Arrays.copyOf(bytes, length));
    }
}
