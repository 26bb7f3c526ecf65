package io.npflua.lua.string;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The literal-prefix search, a word at a time over Lua strings and in place over native memory: every position of
 * the prefix (the first byte, each side of each 8-byte word boundary, the last possible byte), fillers that make
 * false word-level candidates, prefixes of one, two and more bytes, escaped literals, anchors, and patterns whose
 * start is not literal.
 */
class PrefixScanTest {
    private static final LuaTable STRING = LuaStrings.newStringTable();
    /** Fillers: no prefix byte; the prefix's first byte alone; bytes one off from it (word-level false hits). */
    private static final String[] FILLERS = {"x", "S", "SR", "RT", "SSH", "SS-", "\u00d3\u0053"};

    private record View(MemorySegment segment, long offset, int length) implements SegmentBytes {}

    @Test
    void shouldFindTheLiteralPrefixAtEveryPositionOfStringsAndSegments() {
        // "()" keeps find off its plain-text path (a pattern without specials is searched as text)
        String[] literals = {"SSH-", "S", "SH", "SSH-2.0-OpenSSH"};
        String[] patterns = {"SSH%-", "S()", "SH()", "SSH%-2%.0%-OpenSSH"};
        try (Arena arena = Arena.ofConfined()) {
            for (int k = 0; k < literals.length; k++) {
                LuaString pattern = LuaValue.valueOf(patterns[k]);
                byte[] lit = literals[k].getBytes(StandardCharsets.ISO_8859_1);
                for (String filler : FILLERS) {
                    for (int length = 0; length <= 80; length++) {
                        byte[] base = fill(filler, length);
                        assertFinds(arena, pattern, lit, base, patterns[k] + " in " + filler + "*" + length);
                        for (int at = 0; at + lit.length <= length; at++) {
                            byte[] s = base.clone();
                            System.arraycopy(lit, 0, s, at, lit.length);
                            assertFinds(
                                    arena,
                                    pattern,
                                    lit,
                                    s,
                                    patterns[k] + " at " + at + " of " + length + " (" + filler + ")");
                        }
                    }
                }
            }
        }
    }

    @Test
    void shouldFindEveryOccurrenceInTurnWithGmatch() {
        byte[] s = "xxSSH-aSSH-SSH-xxxxxxxxxxxxxSSH-".getBytes(StandardCharsets.ISO_8859_1);
        LuaString pattern = LuaValue.valueOf("SSH%-()");
        try (Arena arena = Arena.ofConfined()) {
            View view = view(arena, s);
            for (int run = 0; run < 4; run++) {
                assertEquals(
                        "7 12 16 33 ",
                        positions(SegmentStrings.gmatch(view, LuaValue.varargsOf(pattern, LuaValue.NIL))));
                assertEquals("7 12 16 33 ", positions(STRING.get("gmatch").call(LuaValue.valueOf(s), pattern)));
            }
        }
    }

    @Test
    void shouldAgreeWithTheInterpreterOnAnchoredAndNonLiteralStarts() {
        String[] patterns = {"^SSH%-(%d)", "[S]SH%-", "S+H", "%.x", "%%d", "SSH%-(%d)", ".SH", "^S"};
        String[] subjects = {"SSH-2", "xSSH-2", "SSSSH-", "a.x", "100%d", "SSH-x SSH-7", "", "S"};
        try (Arena arena = Arena.ofConfined()) {
            for (String p : patterns) {
                LuaString pattern = LuaValue.valueOf(p);
                for (String subject : subjects) {
                    byte[] s = subject.getBytes(StandardCharsets.ISO_8859_1);
                    String cold = STRING.get("find")
                            .invoke(LuaValue.valueOf(s), LuaValue.valueOf(p))
                            .tojstring();
                    View view = view(arena, s);
                    for (int run = 0; run < 4; run++) {
                        String what = p + " in " + subject + ", run " + run;
                        assertEquals(
                                cold,
                                STRING.get("find")
                                        .invoke(LuaValue.valueOf(s), pattern)
                                        .tojstring(),
                                what);
                        assertEquals(
                                cold,
                                SegmentStrings.find(view, LuaValue.varargsOf(pattern, LuaValue.NIL))
                                        .tojstring(),
                                what + " (segment)");
                    }
                }
            }
        }
    }

    private static void assertFinds(Arena arena, LuaString pattern, byte[] lit, byte[] s, String what) {
        int expected = indexOf(s, lit);
        boolean position = pattern.tojstring().endsWith("()");
        String want = expected < 0
                ? "nil"
                : (expected + 1) + "\t" + (expected + lit.length)
                        + (position ? "\t" + (expected + lit.length + 1) : "");
        View view = view(arena, s);
        for (int run = 0; run < 3; run++) {
            Varargs onString = STRING.get("find").invoke(LuaValue.valueOf(s), pattern);
            Varargs inPlace = SegmentStrings.find(view, LuaValue.varargsOf(pattern, LuaValue.NIL));
            assertEquals(want, text(onString), what);
            assertEquals(want, text(inPlace), what + " (segment)");
        }
    }

    private static int indexOf(byte[] s, byte[] lit) {
        for (int i = 0; i + lit.length <= s.length; i++) {
            if (Arrays.equals(s, i, i + lit.length, lit, 0, lit.length)) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] fill(String filler, int length) {
        byte[] f = filler.getBytes(StandardCharsets.ISO_8859_1);
        byte[] s = new byte[length];
        for (int i = 0; i < length; i++) {
            s[i] = f[i % f.length];
        }
        return s;
    }

    /** The bytes in native memory between guard bytes that would make a match if they were read. */
    private static View view(Arena arena, byte[] s) {
        MemorySegment seg = arena.allocate(s.length + 32);
        MemorySegment.copy(
                "SSH-SSH-SSH-SSH-".getBytes(StandardCharsets.ISO_8859_1), 0, seg, ValueLayout.JAVA_BYTE, 0, 16);
        MemorySegment.copy(s, 0, seg, ValueLayout.JAVA_BYTE, 16, s.length);
        MemorySegment.copy(
                "SSH-SSH-SSH-SSH-".getBytes(StandardCharsets.ISO_8859_1),
                0,
                seg,
                ValueLayout.JAVA_BYTE,
                16 + s.length,
                16);
        return new View(seg, 16, s.length);
    }

    private static String text(Varargs v) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= v.narg(); i++) {
            b.append(i > 1 ? "\t" : "").append(v.arg(i).tojstring());
        }
        return b.toString();
    }

    private static String positions(LuaValue iterator) {
        StringBuilder b = new StringBuilder();
        for (Varargs r = iterator.invoke(LuaValue.NONE); !r.arg1().isnil(); r = iterator.invoke(LuaValue.NONE)) {
            b.append(r.arg1().tojstring()).append(' ');
        }
        return b.toString();
    }
}
