package io.npflua.lua.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.Prototype;
import org.junit.jupiter.api.Test;

class LuaJAccessTest {
    private static Prototype at(String source, int... lines) {
        Prototype p = new Prototype();
        p.source = LuaString.valueOf(source);
        p.lineinfo = lines;
        return p;
    }

    @Test
    void shouldStampTheLineOfThePcLikeTheInterpreter() {
        LuaError e = new LuaError("boom");
        LuaJAccess.stamp(e, LuaJAccess.hookCarrier(new Globals()), at("x.lua", 3, 7), 1);
        assertEquals("x.lua:7 boom", e.getMessage());
    }

    @Test
    void shouldKeepTheFirstStampWhenTheErrorLeavesOuterFrames() {
        LuaError e = new LuaError("boom");
        var carrier = LuaJAccess.hookCarrier(new Globals());
        LuaJAccess.stamp(e, carrier, at("inner.lua", 5), 0);
        LuaJAccess.stamp(e, carrier, at("outer.lua", 9), 0);
        assertEquals("inner.lua:5 boom", e.getMessage());
    }

    @Test
    void shouldMarkAnUnknownLineWithAQuestionMark() {
        LuaError e = new LuaError("boom");
        LuaJAccess.stamp(e, LuaJAccess.hookCarrier(new Globals()), at("x.lua", 3), 4);
        assertEquals("x.lua:? boom", e.getMessage());
    }
}
