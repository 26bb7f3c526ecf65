package io.npflua.lua.string;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.lua.core.BudgetExceededError;
import io.npflua.lua.core.InstructionBudget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

class LuaStringsTest {
    private static Globals newState() {
        Globals g = JsePlatform.standardGlobals();
        LuaStrings.install(g);
        return g;
    }

    private static LuaValue eval(Globals g, String code) {
        return g.load(code, "test").call();
    }

    @AfterEach
    void disarmBudget() {
        InstructionBudget.current().disarm();
    }

    @Test
    void shouldGiveTheSeedScriptItsVerdict() {
        Globals g = newState();
        LuaValue r = eval(g, "local s = \"SSH-2.0-OpenSSH_6.4\\r\\n\"; return s:match('SSH%-[^-%G]+%-([^-%G]+)')");
        assertEquals("OpenSSH_6.4", r.tojstring());
    }

    @Test
    void shouldKeepStringMethodsOfOtherStatesWhenOneStateReplacesItsStringTable() {
        Globals a = newState();
        Globals b = newState();
        eval(a, "string.upper = nil; string.lower = function() return 'hacked' end");
        assertTrue(eval(a, "return string.upper == nil").toboolean());
        assertEquals("ABC", eval(a, "return ('abc'):upper()").tojstring(), "method syntax still uses the shared table");
        assertEquals("ABC", eval(b, "return string.upper('abc')").tojstring());
        assertEquals("abc", eval(b, "return ('ABC'):lower()").tojstring());
    }

    @Test
    void shouldRefuseWritesToTheSharedStringMetatableAndItsIndex() {
        Globals g = newState();
        LuaValue r = eval(g, "return pcall(function() getmetatable('').__index.upper = function() return 'x' end end)");
        assertTrue(r.isboolean() && !r.toboolean());
        LuaValue msg = eval(g, "local ok, e = pcall(function() getmetatable('').__index = {} end) return e");
        assertTrue(msg.tojstring().contains("read-only"), msg.tojstring());
        LuaValue rawset = eval(g, "return pcall(rawset, getmetatable('').__index, 'sub', print)");
        assertTrue(!rawset.toboolean());
        assertEquals("B", eval(newState(), "return ('b'):upper()").tojstring());
    }

    @Test
    void shouldPinOneMetatableIdempotently() {
        newState();
        LuaValue first = LuaString.s_metatable;
        LuaStrings.install(JsePlatform.standardGlobals());
        LuaStrings.pinStringMetatable();
        assertSame(first, LuaString.s_metatable);
        assertSame(LuaStrings.sharedMethods(), first.get(LuaValue.INDEX));
        JsePlatform.standardGlobals();
        assertSame(first, LuaString.s_metatable, "a later stock Globals must not replace the pinned metatable");
    }

    @Test
    void shouldGiveCorrectResultsWhenStatesOnManyThreadsShareTheFunctions() throws Exception {
        int threads = 4;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            java.util.List<java.util.concurrent.Future<String>> results = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                results.add(pool.submit(() -> {
                    Globals g = newState();
                    return eval(
                                    g,
                                    "local n = 0 for i = 1, 2000 do "
                                            + "local s = 'id" + id + "-' .. i "
                                            + "local a, b = s:match('^id(%d+)%-(%d+)$') "
                                            + "if tonumber(a) == " + id + " and tonumber(b) == i and "
                                            + "(s:gsub('%d', function(d) return s:match('^(i)') end)) ~= s then n = n + 1 end end "
                                            + "return n")
                            .tojstring();
                }));
            }
            for (java.util.concurrent.Future<String> f : results) {
                assertEquals("2000", f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldPrintNumbersAsLuaDoes() {
        Globals g = newState();
        assertEquals("0.33333333333333", eval(g, "return tostring(1/3)").tojstring());
        assertEquals("0.1", eval(g, "return tostring(0.1)").tojstring());
        assertEquals("3", eval(g, "return tostring(3.0)").tojstring(), "integral floats print as integers");
        assertEquals("table", eval(g, "return tostring({}):sub(1, 5)").tojstring());
        assertEquals(
                "OBJ",
                eval(g, "return tostring(setmetatable({}, {__tostring = function() return 'OBJ' end}))")
                        .tojstring());
    }

    @Test
    void shouldCapBuiltStringsAt16MiB() {
        Globals g = newState();
        String expected = "resulting string too large (limit 16 MiB)";
        for (String code : new String[] {
            "return string.rep('x', 16 * 1024 * 1024 + 1)",
            "return string.rep('ab', 8 * 1024 * 1024, ',')",
            "return string.format('%s%s', string.rep('x', 16 * 1024 * 1024), 'y')",
            "return (string.rep('x', 9 * 1024 * 1024):gsub('x', 'yy'))",
            "return string.pack('s4', string.rep('x', 16 * 1024 * 1024))",
        }) {
            LuaError e = assertThrows(LuaError.class, () -> eval(g, code), code);
            assertTrue(e.getMessage().contains(expected), code + ": " + e.getMessage());
        }
        assertEquals(
                16 * 1024 * 1024,
                eval(g, "return #string.rep('x', 16 * 1024 * 1024)").toint());
    }

    @Test
    void shouldRepeatAnEmptyStringAnyNumberOfTimesAtOnce() {
        // Lua 5.4 loops n times here (1e18 iterations of nothing); we return at once.
        assertEquals("", eval(newState(), "return string.rep('', 1e18, '')").tojstring());
    }

    @Test
    void shouldCutOffAPatternBombWithTheCallBudget() {
        Globals g = newState();
        InstructionBudget.current().arm(100_000);
        // Exponential backtracking: 2^25 paths if left alone.
        String bomb = "return pcall(string.find, string.rep('a', 25), string.rep('a*', 25) .. 'b')";
        assertThrows(BudgetExceededError.class, () -> eval(g, bomb), "pcall must not swallow the budget error");
        InstructionBudget.current().disarm();
        assertTrue(eval(g, "return string.find(string.rep('a', 10), string.rep('a*', 10) .. 'b') == nil")
                .toboolean());
    }

    @Test
    void shouldChargeTheBudgetForLongScans() {
        newState();
        InstructionBudget b = InstructionBudget.current();
        b.arm(1_000_000);
        eval(newState(), "for i = 1, 10 do string.find(string.rep('x', 10000), '%d') end");
        long used = 1_000_000 - b.remaining();
        assertTrue(used >= 10 * 10000 / PatternMatcher.STEP_BATCH, "charged " + used);
    }

    @Test
    void shouldReportPatternTooComplexBeyondTheDepthLimit() {
        Globals g = newState();
        LuaError e = assertThrows(
                LuaError.class, () -> eval(g, "return string.match(string.rep('a', 300), string.rep('a?', 300))"));
        assertTrue(e.getMessage().contains("pattern too complex"), e.getMessage());
    }

    @Test
    void shouldNotLoopOnEmptyMatchesInGmatchAndGsub() {
        Globals g = newState();
        assertEquals(
                "[][][][]",
                eval(g, "local r = '' for w in ('abc'):gmatch('x*') do r = r .. '[' .. w .. ']' end return r")
                        .tojstring());
        assertEquals("-a-b-c-", eval(g, "return (('abc'):gsub('x*', '-'))").tojstring());
    }

    @Test
    void shouldAllowNestedMatchingFromAGsubCallback() {
        Globals g = newState();
        assertEquals(
                "<A1><B2>",
                eval(
                                g,
                                "return (('a1 b2'):gsub('(%w+)%s*', function(w) "
                                        + "local l, d = w:match('(%a)(%d)') return '<' .. l:upper() .. d .. '>' end))")
                        .tojstring());
    }
}
