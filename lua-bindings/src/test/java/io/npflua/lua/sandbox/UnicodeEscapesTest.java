package io.npflua.lua.sandbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UnicodeEscapesTest {
    private static String rewrite(String s) {
        return new String(UnicodeEscapes.rewrite(s.getBytes(StandardCharsets.ISO_8859_1)), StandardCharsets.ISO_8859_1);
    }

    @Test
    void shouldTurnEscapesInShortStringsIntoTheirUtf8Bytes() {
        assertEquals("x = '\\72\\73'", rewrite("x = '\\u{48}\\u{49}'"));
        assertEquals("x = \"\\223\\191\"", rewrite("x = \"\\u{7FF}\""));
        assertArrayEquals(new int[] {0xF4, 0x8F, 0xBF, 0xBF}, UnicodeEscapes.utf8(0x10FFFF));
        assertArrayEquals(new int[] {0xFD, 0xBF, 0xBF, 0xBF, 0xBF, 0xBF}, UnicodeEscapes.utf8(0x7FFFFFFF));
    }

    @Test
    void shouldLeaveCommentsLongStringsEscapedBackslashesAndMalformedEscapesAlone() {
        String untouched = "-- '\\u{48}'\nlocal s = [[\\u{48}]] .. [==[ ' \\u{49} ]==] .. '\\\\u{4A}' .. '\\u{zz}'\n"
                + "--[[ \\u{48}\n ]] x = 1";
        assertEquals(untouched, rewrite(untouched));
        byte[] none = "print('plain')".getBytes(StandardCharsets.US_ASCII);
        assertSame(none, UnicodeEscapes.rewrite(none));
    }

    @Test
    void shouldKeepLinesWhereTheyAre() {
        String out = rewrite("a = '\\u{48}'\nb = 2\n'\\u{FFFF}'\n");
        assertEquals(4, out.split("\n", -1).length);
        assertEquals("b = 2", out.split("\n")[1]);
    }
}
