package io.npflua.lua.string;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.jse.JsePlatform;

/** The segment functions give the same results as the string functions on the same bytes. */
class SegmentStringsTest {
    /** A view of bytes in native memory, surrounded by other bytes the view must never see. */
    private static final class View implements SegmentBytes {
        final MemorySegment segment;
        final long offset;
        final int length;
        boolean valid = true;

        View(Arena arena, byte[] bytes) {
            segment = arena.allocate(bytes.length + 8);
            segment.fill((byte) 'a');
            MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 4, bytes.length);
            offset = 4;
            length = bytes.length;
        }

        @Override
        public MemorySegment segment() {
            if (!valid) {
                throw new LuaError("packet data is no longer valid");
            }
            return segment;
        }

        @Override
        public long offset() {
            return offset;
        }

        @Override
        public int length() {
            return length;
        }
    }

    private static final String[][] CASES = {
        {"SSH-2.0-OpenSSH_6.4\r\n", "SSH%-[^-%G]+%-([^-%G]+)"},
        {"xxSSH-1.99-Cisco-1.25\n", "SSH%-[^-%G]+%-([^-%G]+)"},
        {"GET / HTTP/1.1\r\n", "SSH%-[^-%G]+%-([^-%G]+)"},
        {"GET /index.html HTTP/1.1", "^(%u+) (%S+) HTTP/(%d)%.(%d)"},
        {"hello world", "()o()"},
        {"hello", "%f[%a]%a+"},
        {"hello", "()%f[%z]"},
        {"f(a(b)c)d", "%b()"},
        {"hello hello", "(h%a+) %1"},
        {"abc", ""},
        {"abc", "$"},
        {"abc", "b*"},
        {"a.b", "."},
        {"", "x*"},
        {"\u0080\u00ffab", "[\u0080-\u00ff]+"},
        {"aaa", "a-$"},
        {"zzab", "a"},
        // Long subjects: prefix scans over whole words, reads near the end of the view.
        {"S-".repeat(200) + "SSH-2.0-OpenSSH_6.4\r\n", "SSH%-[^-%G]+%-([^-%G]+)"},
        {"word ".repeat(80) + "(a(b)c)", "%b()"},
        {"word ".repeat(80) + "end", "%f[%a]%a+"},
        {"ab".repeat(200), "(a)(b)%1"},
        {"\u00ff".repeat(300) + "x", "[^\u00ff]"},
        {"x".repeat(300), "x*$"},
    };

    private static String render(Varargs v) {
        List<String> parts = new ArrayList<>();
        for (int i = 1; i <= v.narg(); i++) {
            parts.add(v.arg(i).typename() + ":" + v.arg(i).tojstring());
        }
        return String.join(",", parts);
    }

    private static LuaString lua(String s) {
        return LuaString.valueUsing(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void shouldFindAndMatchAsTheStringFunctionsDo() {
        Globals g = JsePlatform.standardGlobals();
        LuaStrings.install(g);
        LuaValue string = g.get("string");
        try (Arena arena = Arena.ofConfined()) {
            for (String[] c : CASES) {
                LuaString s = lua(c[0]);
                View view = new View(arena, s.m_bytes);
                for (LuaValue init : new LuaValue[] {LuaValue.NIL, LuaValue.valueOf(2), LuaValue.valueOf(-3)}) {
                    Varargs args = LuaValue.varargsOf(lua(c[1]), init);
                    assertEquals(
                            render(string.get("find").invoke(LuaValue.varargsOf(s, args))),
                            render(SegmentStrings.find(view, args)),
                            "find " + c[0] + " / " + c[1]);
                    assertEquals(
                            render(string.get("match").invoke(LuaValue.varargsOf(s, args))),
                            render(SegmentStrings.match(view, args)),
                            "match " + c[0] + " / " + c[1]);
                }
                assertEquals(
                        render(string.get("match").call(s, lua(c[1]))),
                        render(SegmentStrings.match(view, lua(c[1]))),
                        "match/1 " + c[0]);
                Varargs plain = LuaValue.varargsOf(lua(c[1]), LuaValue.valueOf(1), LuaValue.TRUE);
                assertEquals(
                        render(string.get("find").invoke(LuaValue.varargsOf(s, plain))),
                        render(SegmentStrings.find(view, plain)),
                        "plain find " + c[0]);
                assertEquals(
                        gmatchAll(string.get("gmatch")
                                .invoke(LuaValue.varargsOf(s, lua(c[1])))
                                .arg1()),
                        gmatchAll(SegmentStrings.gmatch(view, lua(c[1]))),
                        "gmatch " + c[0]);
            }
        }
    }

    private static String gmatchAll(LuaValue iterator) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            Varargs r = iterator.invoke(LuaValue.NONE);
            if (r.arg1().isnil()) {
                return sb.toString();
            }
            sb.append('[').append(render(r)).append(']');
        }
        throw new AssertionError("gmatch did not end");
    }

    @Test
    void shouldReadBytesAndSlicesAsTheStringFunctionsDo() {
        Globals g = JsePlatform.standardGlobals();
        LuaStrings.install(g);
        LuaValue string = g.get("string");
        LuaString s = lua("hello\u00ff");
        try (Arena arena = Arena.ofConfined()) {
            View view = new View(arena, s.m_bytes);
            long[][] ranges = {{1, 1}, {2, 4}, {-2, -1}, {0, 100}, {4, 2}, {7, 7}, {-100, 2}};
            for (long[] r : ranges) {
                Varargs args = LuaValue.varargsOf(LuaValue.valueOf(r[0]), LuaValue.valueOf(r[1]));
                assertEquals(
                        render(string.get("byte").invoke(LuaValue.varargsOf(s, args))),
                        render(SegmentStrings.byteAt(view, args)),
                        "byte " + r[0] + "," + r[1]);
                assertEquals(
                        render(string.get("sub").invoke(LuaValue.varargsOf(s, args))),
                        render(SegmentStrings.sub(view, args)),
                        "sub " + r[0] + "," + r[1]);
            }
            assertEquals("number:104", render(SegmentStrings.byteAt(view, LuaValue.NONE)));
            assertTrue(lua("lo\u00ff").raweq(SegmentStrings.sub(view, LuaValue.valueOf(4))), "sub copies raw bytes");
        }
    }

    @Test
    void shouldYieldOnlyTheEmptyEndMatchFromGmatchStartingAtLengthPlusOneAndNothingPastIt() {
        try (Arena arena = Arena.ofConfined()) {
            View view = new View(arena, "abc".getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(
                    "[string:]",
                    gmatchAll(SegmentStrings.gmatch(view, LuaValue.varargsOf(lua(""), LuaValue.valueOf(4)))));
            for (int init : new int[] {5, 6, 40}) {
                assertEquals(
                        "",
                        gmatchAll(SegmentStrings.gmatch(view, LuaValue.varargsOf(lua("()c?"), LuaValue.valueOf(init)))),
                        "init " + init);
            }
        }
    }

    @Test
    void shouldFailCleanlyWhenTheViewExpiredBetweenGmatchSteps() {
        try (Arena arena = Arena.ofConfined()) {
            View view = new View(arena, "a b c".getBytes(StandardCharsets.ISO_8859_1));
            LuaValue it = SegmentStrings.gmatch(view, lua("%a"));
            assertEquals("a", it.call().tojstring());
            view.valid = false;
            LuaError e = assertThrows(LuaError.class, it::call);
            assertEquals("packet data is no longer valid", e.getMessage());
            assertThrows(LuaError.class, () -> SegmentStrings.match(view, LuaValue.varargsOf(lua("a"), LuaValue.NIL)));
        }
    }

    @Test
    void shouldNumberArgumentErrorsAsTheStringFunctionDoes() {
        try (Arena arena = Arena.ofConfined()) {
            View view = new View(arena, "abc".getBytes(StandardCharsets.ISO_8859_1));
            LuaError e = assertThrows(LuaError.class, () -> SegmentStrings.find(view, LuaValue.NONE));
            assertEquals("bad argument #2 to 'find' (string expected, got no value)", e.getMessage());
            LuaError f = assertThrows(LuaError.class, () -> SegmentStrings.sub(view, LuaValue.valueOf(1.5)));
            assertEquals("bad argument #2 to 'sub' (number has no integer representation)", f.getMessage());
        }
    }
}
