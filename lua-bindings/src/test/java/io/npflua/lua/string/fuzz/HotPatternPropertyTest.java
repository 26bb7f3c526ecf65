package io.npflua.lua.string.fuzz;

import static io.npflua.lua.string.fuzz.SegmentPatternPropertyTest.all;
import static io.npflua.lua.string.fuzz.SegmentPatternPropertyTest.outcome;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.npflua.lua.string.LuaStrings;
import io.npflua.lua.string.SegmentBytes;
import io.npflua.lua.string.SegmentStrings;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * A pattern string used again and again (as a script's constant is) is parsed once into a program from its third
 * use; for generated find/match/gmatch/gsub cases, its results on a Lua string and in native memory stay those of
 * its first, interpreted use (which the differential fuzzer checks against lua5.4), errors included.
 */
class HotPatternPropertyTest {
    private static final int RUNS = 5;

    private record View(MemorySegment segment, long offset, int length) implements SegmentBytes {}

    @Test
    void shouldGiveTheFirstUsesResultsOnEveryLaterUseOfAPatternString() {
        Globals g = JsePlatform.standardGlobals();
        LuaStrings.install(g);
        LuaValue string = g.get("string");
        LuaValue repl = LuaValue.valueOf("<%0>");
        PatternCaseGenerator gen = new PatternCaseGenerator(20261207L);
        try (Arena arena = Arena.ofConfined()) {
            for (int n = 0; n < 3000; n++) {
                PatternCase c = gen.next();
                LuaString s = LuaString.valueUsing(c.subject());
                LuaValue init = c.init() == null ? LuaValue.NIL : LuaValue.valueOf(c.init());
                MemorySegment seg = arena.allocate(c.subject().length + 16);
                seg.fill((byte) (n % 2 == 0 ? 'a' : ')'));
                MemorySegment.copy(c.subject(), 0, seg, ValueLayout.JAVA_BYTE, 8, c.subject().length);
                View view = new View(seg, 8, c.subject().length);
                String cold = null;
                String coldInPlace = null;
                LuaString p = LuaString.valueUsing(c.pattern());
                for (int run = 0; run < RUNS; run++) {
                    Varargs args =
                            c.op() == 'f' ? LuaValue.varargsOf(p, init, LuaValue.TRUE) : LuaValue.varargsOf(p, init);
                    Varargs withSubject = LuaValue.varargsOf(s, args);
                    String onString;
                    String inPlace = null;
                    switch (c.op()) {
                        case 'F', 'f' -> {
                            onString = outcome(() -> string.get("find").invoke(withSubject));
                            inPlace = outcome(() -> SegmentStrings.find(view, args));
                        }
                        case 'M' -> {
                            onString = outcome(() -> string.get("match").invoke(withSubject));
                            inPlace = outcome(() -> SegmentStrings.match(view, args));
                        }
                        case 'G' -> {
                            onString = outcome(() ->
                                    all(string.get("gmatch").invoke(withSubject).arg1()));
                            inPlace = outcome(() -> all(SegmentStrings.gmatch(view, args)));
                        }
                        default -> onString = outcome(() -> string.get("gsub").invoke(LuaValue.varargsOf(s, p, repl)));
                    }
                    if (run == 0) {
                        cold = onString;
                        coldInPlace = inPlace;
                    } else {
                        assertEquals(cold, onString, "run " + run + " of " + c.toLua());
                        assertEquals(coldInPlace, inPlace, "run " + run + " in place of " + c.toLua());
                    }
                }
            }
        }
    }
}
