package io.npflua.engine.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaString;

/** The event log's text of a script's bytes: valid UTF-8 decoded, every other byte as {@code \xHH}. */
class Utf8TextTest {
    private static String of(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return Utf8Text.of(LuaString.valueOf(b));
    }

    @Test
    void shouldDecodeValidUtf8AsItsCharacters() {
        assertEquals("OpenSSH_6.4", of('O', 'p', 'e', 'n', 'S', 'S', 'H', '_', '6', '.', '4'));
        assertEquals("é€", of(0xc3, 0xa9, 0xe2, 0x82, 0xac));
        // a four-byte sequence (U+1F512): LuaJ's tojstring() mangles it, the log must not
        assertEquals("\uD83D\uDD12", of(0xf0, 0x9f, 0x94, 0x92));
        assertEquals("", of());
    }

    @Test
    void shouldEscapeEachByteThatIsNotPartOfAValidSequence() {
        assertEquals("x\\xed\\xa0\\x80y", of('x', 0xed, 0xa0, 0x80, 'y'), "an encoded UTF-16 surrogate");
        assertEquals("x\\xffy", of('x', 0xff, 'y'), "never UTF-8");
        assertEquals("\\x80y", of(0x80, 'y'), "a stray continuation byte");
        assertEquals("\\xc0\\x80", of(0xc0, 0x80), "an overlong NUL");
        assertEquals("\\xe2\\x82yz", of(0xe2, 0x82, 'y', 'z'), "a cut-off sequence keeps the bytes after it");
        assertEquals("a\\xe2\\x82", of('a', 0xe2, 0x82), "cut off at the end");
        assertEquals("\\xf4\\x90\\x80\\x80", of(0xf4, 0x90, 0x80, 0x80), "past U+10FFFF");
        assertEquals("é\\xff€", of(0xc3, 0xa9, 0xff, 0xe2, 0x82, 0xac), "valid text on both sides");
    }

    @Test
    void shouldWriteLoneSurrogatesOfJavaStringsAsTheirThreeBytesAndKeepPairs() {
        String plain = "rule 'x' failed: bad.lua:1: oops";
        assertSame(plain, Utf8Text.of(plain), "no copy without a lone surrogate");
        assertEquals("x\\xed\\xa0\\x80y", Utf8Text.of("x\uD800y"), "as of(LuaString) writes those bytes");
        assertEquals("\\xed\\xbf\\xbf", Utf8Text.of("\uDFFF"));
        assertEquals("a\\xed\\xa0\\xbd", Utf8Text.of("a\uD83D"), "a high surrogate at the end");
        assertEquals("\uD83D\uDD12\\xed\\xb4\\x92", Utf8Text.of("\uD83D\uDD12\uDD12"), "a pair, then a lone low one");
        String escaped = Utf8Text.of("x\uD800y");
        assertEquals(escaped, new String(escaped.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    }
}
