package io.npflua.lua.string.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.npflua.lua.string.LuaStrings;
import io.npflua.lua.string.SegmentBytes;
import io.npflua.lua.string.SegmentStrings;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * Data objects match in place: for generated find/match/gmatch cases, {@link SegmentStrings} over the subject's
 * bytes in native memory (between guard bytes that would change the result if read) gives what the string
 * functions give on a Lua string, which the differential fuzzer checks against lua5.4.
 */
class SegmentPatternPropertyTest {
    private record View(MemorySegment segment, long offset, int length) implements SegmentBytes {}

    @Test
    void shouldMatchInNativeMemoryAsOnAStringForEveryGeneratedCase() {
        Globals g = JsePlatform.standardGlobals();
        LuaStrings.install(g);
        LuaValue string = g.get("string");
        PatternCaseGenerator gen = new PatternCaseGenerator(424242L);
        int compared = 0;
        try (Arena arena = Arena.ofConfined()) {
            while (compared < 3000) {
                PatternCase c = gen.next();
                if (c.op() == 'S') {
                    continue;
                }
                LuaString s = LuaString.valueUsing(c.subject());
                LuaString p = LuaString.valueUsing(c.pattern());
                MemorySegment seg = arena.allocate(c.subject().length + 16);
                seg.fill((byte) (compared % 2 == 0 ? 'a' : ')'));
                MemorySegment.copy(c.subject(), 0, seg, ValueLayout.JAVA_BYTE, 8, c.subject().length);
                View view = new View(seg, 8, c.subject().length);
                LuaValue init = c.init() == null ? LuaValue.NIL : LuaValue.valueOf(c.init());
                Varargs args = c.op() == 'f' ? LuaValue.varargsOf(p, init, LuaValue.TRUE) : LuaValue.varargsOf(p, init);
                Varargs withSubject = LuaValue.varargsOf(s, args);
                String expected;
                String actual;
                switch (c.op()) {
                    case 'F', 'f' -> {
                        expected = outcome(() -> string.get("find").invoke(withSubject));
                        actual = outcome(() -> SegmentStrings.find(view, args));
                    }
                    case 'M' -> {
                        expected = outcome(() -> string.get("match").invoke(withSubject));
                        actual = outcome(() -> SegmentStrings.match(view, args));
                    }
                    default -> {
                        expected = outcome(() ->
                                all(string.get("gmatch").invoke(withSubject).arg1()));
                        actual = outcome(() -> all(SegmentStrings.gmatch(view, args)));
                    }
                }
                assertEquals(expected, actual, c.toLua());
                compared++;
            }
        }
    }

    static Varargs all(LuaValue iterator) {
        List<LuaValue> out = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Varargs r = iterator.invoke(LuaValue.NONE);
            if (r.arg1().isnil()) {
                break;
            }
            for (int k = 1; k <= r.narg(); k++) {
                out.add(r.arg(k));
            }
            out.add(LuaValue.valueOf("|"));
        }
        return LuaValue.varargsOf(out.toArray(new LuaValue[0]));
    }

    private static byte[] bytes(LuaString s) {
        byte[] b = new byte[s.m_length];
        System.arraycopy(s.m_bytes, s.m_offset, b, 0, s.m_length);
        return b;
    }

    static String outcome(Supplier<Varargs> call) {
        try {
            Varargs v = call.get();
            StringBuilder b = new StringBuilder("ok");
            for (int i = 1; i <= v.narg(); i++) {
                LuaValue x = v.arg(i);
                // LuaJ's tojstring decodes UTF-8 and fails on some byte strings: render the bytes themselves
                String text =
                        x.isstring() && !x.isnumber() ? PatternCase.literal(bytes(x.checkstring())) : x.tojstring();
                b.append(' ').append(x.typename()).append(':').append(text);
            }
            return b.toString();
        } catch (LuaError e) {
            return "error: " + e.getMessage();
        }
    }
}
