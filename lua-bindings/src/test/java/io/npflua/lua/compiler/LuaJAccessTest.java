package io.npflua.lua.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.lib.OneArgFunction;

class LuaJAccessTest {
    private static Prototype at(String source, int... lines) {
        Prototype p = new Prototype();
        p.source = LuaString.valueOf(source);
        p.lineinfo = lines;
        return p;
    }

    @Test
    void shouldPositionAStringMessageAsLuaDoes() {
        LuaError e = new LuaError("boom");
        LuaJAccess.stamp(e, new Globals(), at("x.lua", 3, 7), 1);
        assertEquals("x.lua:7: boom", e.getMessage());
        assertEquals(LuaValue.valueOf("x.lua:7: boom"), e.getMessageObject());
    }

    @Test
    void shouldKeepTheFirstStampWhenTheErrorLeavesOuterFrames() {
        LuaError e = new LuaError("boom");
        Globals g = new Globals();
        LuaJAccess.stamp(e, g, at("inner.lua", 5), 0);
        LuaJAccess.stamp(e, g, at("outer.lua", 9), 0);
        assertEquals("inner.lua:5: boom", e.getMessage());
    }

    @Test
    void shouldLetTheCallerNameItsLineAtLevelTwoAndNoLineAtLevelZero() {
        LuaError two = new LuaError("check failed", 2);
        Globals g = new Globals();
        LuaJAccess.stamp(two, g, at("t.lua", 2), 0); // the function that called error()
        LuaJAccess.stamp(two, g, at("t.lua", 8), 0); // its caller
        assertEquals("t.lua:8: check failed", two.getMessage());
        LuaError zero = new LuaError("plain", 0);
        LuaJAccess.stamp(zero, g, at("t.lua", 2), 0);
        assertEquals("plain", zero.getMessage());
    }

    @Test
    void shouldKeepNonStringValuesAndGiveThemToTheHandler() {
        LuaTable t = new LuaTable();
        LuaError e = new LuaError(t);
        Globals g = new Globals();
        LuaJAccess.stamp(e, g, at("t.lua", 1), 0);
        assertSame(t, e.getMessageObject());

        g.running.errorfunc = new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue v) {
                return v.istable() ? v.get(1) : LuaValue.valueOf("handled " + v.tojstring());
            }
        };
        LuaTable ten = new LuaTable();
        ten.set(1, LuaValue.valueOf(10));
        LuaError handled = new LuaError(ten);
        LuaJAccess.stamp(handled, g, at("t.lua", 1), 0);
        assertEquals(LuaValue.valueOf(10), handled.getMessageObject());
        LuaError nil = new LuaError(LuaValue.NIL);
        LuaJAccess.stamp(nil, g, at("t.lua", 1), 0);
        assertEquals(LuaValue.valueOf("handled nil"), nil.getMessageObject());
    }

    @Test
    void shouldMarkAnUnknownLineWithAQuestionMark() {
        LuaError e = new LuaError("boom");
        LuaJAccess.stamp(e, new Globals(), at("x.lua", 3), 4);
        assertEquals("x.lua:?: boom", e.getMessage());
    }
}
