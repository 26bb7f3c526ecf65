package io.npflua.lua.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaValue;

/** What one state does must not be visible in another. */
class IsolationTest {
    private final ScriptFixture fx = new ScriptFixture();

    private static final String VICTIM =
            "function filter() return ('abc'):upper() == 'ABC' and string.upper('x') == 'X' "
                    + "and tostring ~= nil and type(print) == 'function' and math.floor(1.5) == 1 end";

    @Test
    void shouldNotLetStringMetatableChangesReachOtherStates() throws Exception {
        ScriptState victim = fx.load(VICTIM);
        ScriptState attacker = fx.load("function filter(p) return p() end");
        String[] attacks = {
            "getmetatable('').__index.upper = nil",
            "rawset(getmetatable('').__index, 'upper', nil)",
            "getmetatable('').__index = {}",
            "rawset(getmetatable(''), '__index', {})",
            "setmetatable(getmetatable(''), {})",
            "table.insert(getmetatable('').__index, 1)",
        };
        for (String attack : attacks) {
            ScriptState a = fx.load("function filter() " + attack + " end");
            assertEquals(CallOutcome.LUA_ERROR, a.call(LuaValue.NIL), attack);
            assertTrue(fx.lastError().contains("read-only"), fx.lastError());
            assertEquals(CallOutcome.PASS, victim.call(LuaValue.NIL), attack);
        }
        assertNull(attacker.lastError(), "the attacker's own state never ran a failing call");
        // Each state's global `string` is its own table: changing it is allowed and stays in that state.
        for (String own :
                new String[] {"string.upper = function() return 'pwned' end", "rawset(string, 'upper', nil)"}) {
            ScriptState a =
                    fx.load("function filter() " + own + " return string.upper ~= getmetatable('').__index.upper end");
            assertEquals(CallOutcome.PASS, a.call(LuaValue.NIL), own);
            assertEquals(CallOutcome.PASS, victim.call(LuaValue.NIL), own);
        }
    }

    @Test
    void shouldKeepGlobalsPerState() throws Exception {
        ScriptState attacker = fx.load("function filter() _G.tostring = nil print = nil math.floor = nil "
                + "type = nil marker = 1 return true end");
        ScriptState victim = fx.load(VICTIM.replace("end", "and marker == nil end"));
        assertEquals(CallOutcome.PASS, attacker.call(LuaValue.NIL));
        assertEquals(CallOutcome.PASS, victim.call(LuaValue.NIL), fx.lastError());
    }

    @Test
    void shouldReturnReadOnlyStringMetatable() throws Exception {
        ScriptState s = fx.load("function filter() local mt = getmetatable('') "
                + "return mt ~= nil and mt.__index.upper == string.upper and not pcall(function() mt.x = 1 end) end");
        assertEquals(CallOutcome.PASS, s.call(LuaValue.NIL), fx.lastError());
    }

    @Test
    void shouldRepinStringMetatableIfStockLibraryReplacesIt() throws Exception {
        org.luaj.vm2.lib.jse.JsePlatform.standardGlobals(); // stock code may set the JVM-wide static
        org.luaj.vm2.LuaString.s_metatable = null;
        ScriptState s = fx.load(VICTIM);
        assertEquals(CallOutcome.PASS, s.call(LuaValue.NIL), fx.lastError());
        assertEquals(StringMetatable.metatable(), org.luaj.vm2.LuaString.s_metatable);
    }
}
