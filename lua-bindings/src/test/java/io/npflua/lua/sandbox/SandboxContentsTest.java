package io.npflua.lua.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/** The libraries a script sees. */
class SandboxContentsTest {
    private final ScriptFixture fx = new ScriptFixture();

    private void assertScriptPasses(String body) throws Exception {
        ScriptState s = fx.load("function filter()\n" + body + "\nend");
        assertEquals(CallOutcome.PASS, s.call(LuaValue.NIL), fx.lastError());
    }

    @Test
    void shouldOfferBaseFunctionsAndLibraries() throws Exception {
        assertScriptPasses("return type(assert) == 'function' and select('#', 1, 2) == 2 and tonumber('0x10') == 16 "
                + "and rawlen({1, 2}) == 2 and next({}) == nil and table.concat({1, 2}, ',') == '1,2' "
                + "and math.max(1, 3) == 3 and bit32.band(6, 3) == 2 and type(os.time()) == 'number' "
                + "and type(os.clock()) == 'number' and type(os.date('%Y')) == 'string' and _G._G == _G "
                + "and xpcall(error, function(m) return m end) == false");
    }

    @Test
    void shouldOfferOnlyTimeClockAndDateInOs() throws Exception {
        assertScriptPasses("local n = 0 for k in pairs(os) do n = n + 1 end return n == 3");
    }

    @Test
    void shouldOnlyCountInCollectgarbage() throws Exception {
        assertScriptPasses("return type(collectgarbage('count')) == 'number' and collectgarbage() == 0 "
                + "and collectgarbage('step') == 0 and not pcall(collectgarbage, 'bogus')");
    }

    @Test
    void shouldRequireRegisteredModulesAndExposeThemAsGlobals() throws Exception {
        ModuleRegistry registry = new ModuleRegistry().register("data", (Globals g, String script) -> {
            LuaTable t = new LuaTable();
            t.rawset("script", LuaValue.valueOf(script));
            return t;
        });
        ScriptState s = ScriptState.load(fx.options(
                        "mod.lua",
                        "local d = require 'data'\nfunction filter() return d == data and d.script == 'mod.lua' "
                                + "and require('data') == d and package.loaded.data == d end")
                .withModules(registry));
        assertEquals(CallOutcome.PASS, s.call(LuaValue.NIL), fx.lastError());
    }

    @Test
    void shouldRequireStandardLibrariesByName() throws Exception {
        assertScriptPasses(
                "return require('string') == string and require('table') == table " + "and require('math') == math");
    }

    @Test
    void shouldOfferSharedModuleByDefault() throws Exception {
        assertScriptPasses("return type(shared.table) == 'function' and require('shared') == shared");
    }

    @Test
    void shouldRefuseRegisteringReservedNames() {
        ModuleRegistry r = new ModuleRegistry();
        for (String name : new String[] {"string", "os", "io", "require", "bad-name", ""}) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class, () -> r.register(name, (g, s) -> LuaValue.NIL));
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
    }
}
