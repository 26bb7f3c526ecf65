package io.npflua.lua.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaValue;

class ScriptStateTest {
    private final ScriptFixture fx = new ScriptFixture();

    @Test
    void shouldCarryTheLineAndDetailOfALoadFailureAsFields() {
        ScriptLoadException syntax =
                assertThrows(ScriptLoadException.class, () -> fx.load("function filter(p)\n  return p:x(\nend\n"));
        assertEquals("test.lua", syntax.script());
        assertEquals(3, syntax.line());
        assertEquals("unexpected symbol near 'end'", syntax.detail());
        ScriptLoadException runtime = assertThrows(
                ScriptLoadException.class, () -> fx.load("local x\n\nlocal y = x.f\nfunction filter() end"));
        assertEquals(3, runtime.line());
        // the wording differs between the models (LuaJ's interpreter does not name the variable)
        assertTrue(runtime.detail().startsWith("attempt to index "), runtime.detail());
        assertTrue(
                runtime.getMessage().startsWith("script 'test.lua' failed while loading: test.lua:3"),
                runtime.getMessage());
        ScriptLoadException noEntry = assertThrows(ScriptLoadException.class, () -> fx.load("local a = 1"));
        assertEquals(0, noEntry.line());
        assertEquals(noEntry.getMessage(), noEntry.detail(), "no position: the detail is the message");
        ScriptLoadException thrown = assertThrows(ScriptLoadException.class, () -> fx.load("error({})"));
        assertEquals(0, thrown.line(), "an error value that is not a string has no position");
    }

    @Test
    void shouldSplitAPositionOnlyWhenTheTextStartsWithTheChunk() {
        assertEquals(
                new ScriptLoadException.Position(12, "boom"), ScriptLoadException.position("a.lua:12: boom", "a.lua"));
        assertEquals(
                new ScriptLoadException.Position(4, "boom"), ScriptLoadException.position("@a.lua:4 boom", "a.lua"));
        assertEquals(
                new ScriptLoadException.Position(0, "b.lua:4: x"), ScriptLoadException.position("b.lua:4: x", "a.lua"));
        assertEquals(
                new ScriptLoadException.Position(0, "a.lua:x: y"), ScriptLoadException.position("a.lua:x: y", "a.lua"));
        assertEquals(
                new ScriptLoadException.Position(0, "a.lua:7x"), ScriptLoadException.position("a.lua:7x", "a.lua"));
        assertEquals(new ScriptLoadException.Position(0, "a.lua:"), ScriptLoadException.position("a.lua:", "a.lua"));
        assertEquals(new ScriptLoadException.Position(9, ""), ScriptLoadException.position("a.lua:9", "a.lua"));
    }

    @Test
    void shouldKeepTheReasonReturnedWithTheVerdictUntilTheNextCall() throws Exception {
        ScriptState s = fx.load("""
                local function why(p) return false, 'tail ' .. p end
                function filter(p)
                  if p == 1 then return false, 'OpenSSH 6.4 is banned' end
                  if p == 2 then return true, 'trusted' end
                  if p == 3 then return false, 42 end
                  if p == 4 then return why(p) end
                  if p == 5 then error('boom') end
                  return false
                end
                """);
        assertEquals(CallOutcome.BLOCK, s.call(LuaValue.valueOf(1)));
        LuaValue first = s.reason();
        assertEquals("OpenSSH 6.4 is banned", first.tojstring());
        assertEquals(CallOutcome.BLOCK, s.call(LuaValue.valueOf(1)));
        assertTrue(first == s.reason(), "a constant reason is the same string object on every call");
        assertEquals(CallOutcome.PASS, s.call(LuaValue.valueOf(2)));
        assertEquals("trusted", s.reason().tojstring());
        assertEquals(CallOutcome.BLOCK, s.call(LuaValue.valueOf(3)));
        assertEquals(null, s.reason(), "a number is not a reason");
        assertEquals(CallOutcome.BLOCK, s.call(LuaValue.valueOf(4)));
        assertEquals("tail 4", s.reason().tojstring(), "through a tail call");
        assertEquals(CallOutcome.LUA_ERROR, s.call(LuaValue.valueOf(5)));
        assertEquals(null, s.reason());
        assertEquals(CallOutcome.BLOCK, s.call(LuaValue.valueOf(6)));
        assertEquals(null, s.reason(), "no reason given");
    }

    @Test
    void shouldPassOnTruthyResultAndBlockOnFalseOrNil() throws Exception {
        ScriptState s = fx.load("function filter(p) if p == 1 then return 0 elseif p == 2 then return false end end");
        CallTally tally = new CallTally();
        assertEquals(CallOutcome.PASS, tally.call(s, LuaValue.valueOf(1)), "0 is true in Lua");
        assertEquals(CallOutcome.BLOCK, tally.call(s, LuaValue.valueOf(2)));
        assertEquals(CallOutcome.BLOCK, tally.call(s, LuaValue.valueOf(3)), "nil blocks");
        assertEquals(3, tally.calls());
        assertEquals(1, tally.passed());
        assertEquals(2, tally.blocked());
        assertEquals(0, tally.errors());
    }

    @Test
    void shouldKeepClosuresMadeInEarlierCallsIntactAlthoughRegistersAreReused() throws Exception {
        // Each call captures its own local in a closure kept in a global; the entry's register array is reused
        // across calls, so this fails if an upvalue still pointed into it after the call returned.
        ScriptState s = fx.load("""
                kept = {}
                function filter(p)
                  local mine = p * 10
                  kept[#kept + 1] = function() return mine end
                  local sum = 0
                  for i = 1, #kept do sum = sum + kept[i]() end
                  return sum == 10 * (#kept * (#kept + 1) / 2)
                end
                """);
        for (int i = 1; i <= 20; i++) {
            assertEquals(CallOutcome.PASS, s.call(LuaValue.valueOf(i)), "call " + i);
        }
        ScriptState vararg =
                fx.load("function filter(...) local a = ... ; return a == 7 and select('#', ...) == 1 end");
        assertEquals(CallOutcome.PASS, vararg.call(LuaValue.valueOf(7)));
        assertEquals(CallOutcome.BLOCK, vararg.call(LuaValue.valueOf(8)));
    }

    @Test
    void shouldSeeEveryKindOfGlobalWriteOnTheNextRead() throws Exception {
        // Globals are read through a mirror of their names: writes of existing names, new names, removals, rawset
        // and growth past the rebuild threshold must all be visible exactly as in a plain table.
        ScriptState s = fx.load("""
                n = 0
                function filter(p)
                  for _ = 1, 100 do local _ = n, fresh, g7 end   -- enough reads that the mirror is (re)built
                  n = n + 1
                  if p == 1 then return n == 1 end
                  if p == 2 then fresh = 'x'; return fresh == 'x' end
                  if p == 3 then fresh = nil; return fresh == nil end
                  if p == 4 then rawset(_G, 'tostring', nil); return tostring == nil end
                  if p == 5 then for i = 1, 200 do _G['g' .. i] = i end; return g1 == 1 and g200 == 200 and n == 5 end
                  if p == 6 then setmetatable(_G, {__index = function(_, k) return 'default' end})
                    return missing == 'default' and g7 == 7 end
                  return false
                end""");
        for (int p = 1; p <= 6; p++) {
            assertEquals(CallOutcome.PASS, s.call(LuaValue.valueOf(p)), "step " + p + ": " + s.lastError());
        }
    }

    @Test
    void shouldCallTheConfiguredEntryFunction() throws Exception {
        ScriptState s = ScriptState.load(
                fx.options("x.lua", "function accept() return true end").withEntry("accept"));
        assertEquals(CallOutcome.PASS, s.call(LuaValue.NIL));
    }

    @Test
    void shouldRejectScriptWithoutEntryFunction() {
        ScriptLoadException e = assertThrows(ScriptLoadException.class, () -> fx.load("function filtre() end"));
        assertTrue(e.getMessage().contains("defines no function 'filter'"), e.getMessage());
        assertTrue(e.getMessage().contains("test.lua"), e.getMessage());
    }

    @Test
    void shouldRejectScriptThatDoesNotCompileWithNameAndLine() {
        ScriptLoadException e =
                assertThrows(ScriptLoadException.class, () -> fx.load("function filter(p)\n  return p +\nend"));
        assertTrue(e.getMessage().contains("does not compile"), e.getMessage());
        assertTrue(e.getMessage().contains("test.lua:3"), e.getMessage());
    }

    @Test
    void shouldRejectAFunctionWithTooManyLocalsWithALuaErrorNotAJavaException() throws Exception {
        // LuaJ's compiler throws NullPointerException past about 200 locals; it must stay a load error, in the
        // script and through load() inside a script.
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 260; i++) {
            many.append("local v").append(i).append(" = ").append(i).append('\n');
        }
        ScriptLoadException e =
                assertThrows(ScriptLoadException.class, () -> fx.load(many + "function filter(p) return true end"));
        assertTrue(
                e.getMessage().contains("does not compile") && e.getMessage().contains("local variables"),
                e.getMessage());
        ScriptState s = fx.load("src = ...\nfunction filter(p)\n  local f, msg = load(p)\n"
                + "  return f == nil and msg:find('local variables', 1, true) ~= nil\nend");
        assertEquals(CallOutcome.PASS, s.call(LuaValue.valueOf(many.toString())), String.valueOf(fx.lastError()));
    }

    @Test
    void shouldNameTheOffendingTokenInLuasWordingNotLuajsTokenCode() {
        String[][] cases = {
            {"function filter(pkt)\n return pkt:foo(\nend", "test.lua:3: unexpected symbol near 'end'"},
            {"x = = 1", "test.lua:1: unexpected symbol near '='"},
            {"return ..", "test.lua:1: unexpected symbol near '..'"},
            {"x = ~= 1", "test.lua:1: unexpected symbol near '~='"},
            {"return ::", "test.lua:1: unexpected symbol near '::'"},
            {"x = 1 +", "test.lua:1: unexpected symbol near <eof>"},
            {"x = )", "test.lua:1: unexpected symbol near ')'"},
            {"return 1 2", "test.lua:1: <eof> expected"},
            {"local = 3", "test.lua:1: <name> expected"},
            {"if x then", "test.lua:1: 'end' expected"},
        };
        for (String[] c : cases) {
            ScriptLoadException e = assertThrows(ScriptLoadException.class, () -> fx.load(c[0]), c[0]);
            assertEquals("script 'test.lua' does not compile: " + c[1], e.getMessage(), c[0]);
        }
    }

    @Test
    void shouldRejectTopLevelChunkThatRaises() {
        ScriptLoadException e =
                assertThrows(ScriptLoadException.class, () -> fx.load("local x = nil\nx.y = 1\nfunction filter() end"));
        assertTrue(e.getMessage().contains("failed while loading"), e.getMessage());
        assertTrue(e.getMessage().contains("test.lua:2"), e.getMessage());
    }

    @Test
    void shouldCutOffTopLevelChunkThatNeverReturns() {
        ScriptLoadException e = assertThrows(
                ScriptLoadException.class,
                () -> ScriptState.load(fx.options("loop.lua", "function filter() end\nwhile true do end")
                        .withLoadBudget(100_000)));
        assertTrue(e.getMessage().contains("did not finish within 100000 instructions"), e.getMessage());
        assertTrue(e.getMessage().contains("loop.lua:2"), e.getMessage());
    }

    @Test
    void shouldRefuseBinaryChunkAsScript() {
        ScriptLoadException e = assertThrows(ScriptLoadException.class, () -> fx.load("\u001bLua\u0052\u0000"));
        assertTrue(e.getMessage().contains("binary"), e.getMessage());
    }

    @Test
    void shouldReportRuntimeErrorWithScriptNameAndLineAndKeepWorking() throws Exception {
        ScriptState s = fx.load("function filter(p)\n  if p then\n    error('boom')\n  end\n  return true\nend");
        CallTally tally = new CallTally();
        assertEquals(CallOutcome.LUA_ERROR, tally.call(s, LuaValue.TRUE));
        assertTrue(fx.lastError().contains("test.lua:3"), fx.lastError());
        assertTrue(fx.lastError().contains("boom"), fx.lastError());
        assertEquals(fx.lastError(), s.lastError());
        assertEquals(CallOutcome.PASS, tally.call(s, LuaValue.FALSE));
        assertEquals(1, tally.errors(CallOutcome.LUA_ERROR));
        assertEquals(2, tally.calls());
    }

    @Test
    void shouldReportIndexingNilWithLine() throws Exception {
        ScriptState s = fx.load("function filter(p)\n  return p.x.y\nend");
        assertEquals(CallOutcome.LUA_ERROR, s.call(LuaValue.tableOf()));
        assertTrue(fx.lastError().contains("test.lua:2"), fx.lastError());
    }

    @Test
    void shouldGiveEachCallItsOwnBudget() throws Exception {
        // ~5 instructions per iteration: 150k iterations need ~750k steps, under 1M per call, far over 1M in total.
        ScriptState s = fx.load("function filter() local n = 0 for i = 1, 150000 do n = n + i end return n > 0 end");
        for (int i = 0; i < 5; i++) {
            assertEquals(CallOutcome.PASS, s.call(LuaValue.NIL), fx.lastError());
        }
    }

    @Test
    void shouldKeepWorkingWhenCalledFromAnotherThread() throws Exception {
        ScriptState s = fx.load("function filter(p) if p then while true do end end return true end");
        assertEquals(CallOutcome.BUDGET_EXCEEDED, s.call(LuaValue.TRUE));
        CallOutcome[] onOther = new CallOutcome[2];
        Thread t = new Thread(() -> {
            onOther[0] = s.call(LuaValue.FALSE);
            onOther[1] = s.call(LuaValue.TRUE);
        });
        t.start();
        t.join();
        assertEquals(CallOutcome.PASS, onOther[0]);
        assertEquals(CallOutcome.BUDGET_EXCEEDED, onOther[1]);
        assertEquals(CallOutcome.PASS, s.call(LuaValue.FALSE));
    }

    @Test
    void shouldNotLetOneStateExhaustTheBudgetOfAnotherOnTheSameThread() throws Exception {
        ScriptState looping = fx.load("function filter() while true do end end");
        ScriptState counting = ScriptState.load(fx.options(
                        "count.lua",
                        "function filter() local n = 0 for i = 1, 1000 do n = n + 1 end return n == 1000 end")
                .withCallBudget(10_000));
        CallTally tally = new CallTally();
        for (int i = 0; i < 3; i++) {
            assertEquals(CallOutcome.BUDGET_EXCEEDED, looping.call(LuaValue.NIL));
            assertEquals(CallOutcome.PASS, tally.call(counting, LuaValue.NIL), fx.lastError());
        }
        assertEquals(3, tally.passed());
    }

    @Test
    void shouldApplyTheConfiguredCallBudget() throws Exception {
        String loop = "function filter() local n = 0 for i = 1, 1000 do n = n + 1 end return true end";
        assertEquals(
                CallOutcome.BUDGET_EXCEEDED,
                ScriptState.load(fx.options("small.lua", loop).withCallBudget(500))
                        .call(LuaValue.NIL));
        assertEquals(
                CallOutcome.PASS,
                ScriptState.load(fx.options("big.lua", loop).withCallBudget(50_000))
                        .call(LuaValue.NIL));
    }

    @Test
    void shouldFailCallsAfterClose() throws Exception {
        ScriptState s = fx.load("function filter() return true end");
        s.close();
        assertEquals(CallOutcome.LUA_ERROR, s.call(LuaValue.NIL));
        assertTrue(fx.lastError().contains("closed"), fx.lastError());
    }

    @Test
    void shouldPrintOneLinePerCallPrefixedWithScriptName() throws Exception {
        ScriptState s = fx.load("print('loaded', 1, nil, true)\nfunction filter() print('a\\nb') return true end");
        s.call(LuaValue.NIL);
        assertEquals("test.lua: loaded\t1\tnil\ttrue", fx.printed.get(0));
        assertEquals("test.lua: a b", fx.printed.get(1));
    }
}
