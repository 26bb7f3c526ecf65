package io.npflua.lua.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/** Scripts that try to hang, exhaust or escape the sandbox: each is stopped, counted, and the state lives on. */
class HostileScriptTest {
    private final ScriptFixture fx = new ScriptFixture();

    /** Loads {@code body} as the filter's body, with a second mode (p == 'ok') that must still pass afterwards. */
    private ScriptState hostile(String body) throws ScriptLoadException {
        return fx.load("function filter(p)\n  if p == 'ok' then return true end\n" + body + "\nend");
    }

    private void assertStoppedAndAlive(ScriptState s, CallOutcome expected, String messagePart) {
        CallTally tally = new CallTally();
        assertEquals(expected, tally.call(s, LuaValue.valueOf("attack")), fx.lastError());
        assertTrue(fx.lastError().contains(messagePart), fx.lastError());
        assertEquals(1, tally.errors(expected));
        assertEquals(CallOutcome.PASS, tally.call(s, LuaValue.valueOf("ok")), "the state must serve the next call");
        assertEquals(expected, tally.call(s, LuaValue.valueOf("attack")), "and be stopped again");
        assertEquals(2, tally.errors(expected));
    }

    @Test
    void shouldCutOffEndlessLoop() throws Exception {
        assertStoppedAndAlive(hostile("  while true do end"), CallOutcome.BUDGET_EXCEEDED, "test.lua:3");
    }

    @Test
    void shouldCutOffEndlessLoopInsidePcall() throws Exception {
        ScriptState s = hostile("  local ok = pcall(function() while true do end end)\n  return 'swallowed'");
        assertStoppedAndAlive(s, CallOutcome.BUDGET_EXCEEDED, "exceeded (");
    }

    @Test
    void shouldCutOffEndlessLoopInXpcallMessageHandler() throws Exception {
        // LuaJ runs the handler inside catch (Throwable): the exhausted budget stays at zero, so the next
        // instruction after the swallowed error aborts the call anyway.
        ScriptState s =
                hostile("  xpcall(function() error('x') end, function() while true do end end)\n  return 'escaped'");
        assertStoppedAndAlive(s, CallOutcome.BUDGET_EXCEEDED, "exceeded (");
    }

    @Test
    void shouldVoidVerdictWhenExhaustionWasSwallowedInTailPosition() throws Exception {
        ScriptState s = hostile("  return xpcall(function() error('x') end, function() while true do end end)");
        assertStoppedAndAlive(s, CallOutcome.BUDGET_EXCEEDED, "exceeded (");
    }

    @Test
    void shouldCutOffPcallRetryLoop() throws Exception {
        ScriptState s = hostile("  while true do pcall(error, 'x') end");
        assertStoppedAndAlive(s, CallOutcome.BUDGET_EXCEEDED, "exceeded (");
    }

    @Test
    void shouldStopDeepRecursion() throws Exception {
        ScriptState s = fx.load("local function f(n) return f(n + 1) + 1 end\n"
                + "function filter(p) if p == 'ok' then return true end return f(1) end");
        assertStoppedAndAlive(s, CallOutcome.STACK_OVERFLOW, "stack overflow");
    }

    @Test
    void shouldLetPcallCatchStackOverflowLikeLua() throws Exception {
        ScriptState s = fx.load("local function f(n) return f(n + 1) + 1 end\n"
                + "function filter(p) local ok, e = pcall(f, 1) return not ok and e:find('stack overflow') ~= nil end");
        assertEquals(CallOutcome.PASS, s.call(LuaValue.NIL), fx.lastError());
        assertEquals(CallOutcome.PASS, s.call(LuaValue.NIL), fx.lastError());
    }

    @Test
    void shouldAllowRecursionBelowTheDepthLimit() throws Exception {
        ScriptState s = fx.load("local function f(n) if n == 0 then return 0 end return f(n - 1) + 1 end\n"
                + "function filter(p) return f(150) == 150 end");
        assertEquals(CallOutcome.PASS, s.call(LuaValue.NIL), fx.lastError());
    }

    @Test
    void shouldStopDeepRecursionThroughMetamethods() throws Exception {
        ScriptState s =
                fx.load("local t = setmetatable({}, {}) getmetatable(t).__index = function(t, k) return t[k] end\n"
                        + "function filter(p) if p == 'ok' then return true end return t.x end");
        assertStoppedAndAlive(s, CallOutcome.STACK_OVERFLOW, "stack overflow");
    }

    @Test
    void shouldCapStringGrowthByConcatenation() throws Exception {
        ScriptState s = hostile("  local s = 'x' while true do s = s .. s end");
        assertStoppedAndAlive(s, CallOutcome.SIZE_LIMIT, "exceeds the sandbox limit");
    }

    @Test
    void shouldCapStringGrowthByMultiOperandConcatenation() throws Exception {
        ScriptState s = hostile("  local s = string.rep('x', 8 * 1024 * 1024) local t = s .. s .. s .. 'y'");
        assertStoppedAndAlive(s, CallOutcome.SIZE_LIMIT, "exceeds the sandbox limit");
    }

    @Test
    void shouldCapStringGrowthByRep() throws Exception {
        ScriptState s = hostile("  local s = string.rep('abc', 1e9)");
        assertStoppedAndAlive(s, CallOutcome.SIZE_LIMIT, "resulting string too large (limit 16 MiB)");
    }

    @Test
    void shouldCapStringGrowthByRepMethod() throws Exception {
        ScriptState s = hostile("  local s = ('abc'):rep(1e9)");
        assertStoppedAndAlive(s, CallOutcome.SIZE_LIMIT, "resulting string too large (limit 16 MiB)");
    }

    @Test
    void shouldCapStringGrowthByTableConcat() throws Exception {
        ScriptState s = hostile("  local big = string.rep('x', 1024 * 1024) local t = {}\n"
                + "  for i = 1, 64 do t[i] = big end\n  return table.concat(t)");
        assertStoppedAndAlive(s, CallOutcome.SIZE_LIMIT, "exceeds the sandbox limit");
    }

    @Test
    void shouldStopTableConcatOverHugeRange() throws Exception {
        ScriptState s = hostile(
                "  return table.concat(setmetatable({}, {__index = function() return 'x' end}), '', 1, 2^31 - 1)");
        assertTrue(s.call(LuaValue.valueOf("attack")).isError(), fx.lastError());
        assertEquals(CallOutcome.PASS, s.call(LuaValue.valueOf("ok")));
    }

    @Test
    void shouldStopHeapGrowthByManyCappedStrings() throws Exception {
        // Each string is under the cap, but building them is charged to the budget: ~64 MiB per call at most.
        ScriptState s = hostile("  local t = {} for i = 1, 1e6 do t[i] = ('x'):rep(16 * 1024 * 1024) end");
        assertStoppedAndAlive(s, CallOutcome.BUDGET_EXCEEDED, "exceeded (");
    }

    @Test
    void shouldStopHeapGrowthByManyConcatenations() throws Exception {
        ScriptState s = hostile(
                "  local big = ('x'):rep(8 * 1024 * 1024) local t = {}\n" + "  for i = 1, 1e6 do t[i] = big .. i end");
        assertStoppedAndAlive(s, CallOutcome.BUDGET_EXCEEDED, "exceeded (");
    }

    @Test
    void shouldRefuseUnpackOfHugeRange() throws Exception {
        ScriptState s = hostile("  return select('#', table.unpack({}, 1, 2^31 - 1))");
        assertStoppedAndAlive(s, CallOutcome.LUA_ERROR, "too many results to unpack");
    }

    @Test
    void shouldStopUnboundedTableGrowth() throws Exception {
        ScriptState s = hostile("  local t = {} local i = 0 while true do i = i + 1 t[i] = {i} end");
        assertStoppedAndAlive(s, CallOutcome.BUDGET_EXCEEDED, "exceeded (");
    }

    @Test
    void shouldKeepConcatenationWithinTheCapWorking() throws Exception {
        ScriptState s = fx.load(
                "function filter() local s = string.rep('x', 1000) local t = s .. 1 .. s return #t == 2001 end");
        assertEquals(CallOutcome.PASS, s.call(LuaValue.NIL), fx.lastError());
    }

    @Test
    void shouldNotReachHostFacilities() throws Exception {
        ScriptState s = fx.load("function filter() return io == nil and debug == nil and luajava == nil "
                + "and coroutine == nil and dofile == nil and loadfile == nil and os.execute == nil "
                + "and os.getenv == nil and os.remove == nil and os.exit == nil and string.dump == nil "
                + "and package.loadlib == nil and package.path == nil and package.searchers == nil "
                + "and package.loaded.io == nil and package.loaded.debug == nil "
                + "and ('').dump == nil end");
        assertEquals(CallOutcome.PASS, s.call(LuaValue.NIL), fx.lastError());
    }

    @Test
    void shouldRefuseRequireOfHostFilesAndLibraries() throws Exception {
        ScriptState s = fx.load("function filter(p) return require(p) end");
        for (String name :
                new String[] {"os", "io", "/etc/passwd", "../x", "luajava", "debug", "org.luaj.vm2.lib.jse.LuajavaLib"
                }) {
            CallOutcome o = s.call(LuaValue.valueOf(name));
            if (name.equals("os")) {
                // os is the reduced table the sandbox already offers, not the host's.
                assertEquals(CallOutcome.PASS, o);
                continue;
            }
            assertEquals(CallOutcome.LUA_ERROR, o, name);
            assertTrue(fx.lastError().contains("module '" + name + "' not found"), fx.lastError());
        }
        ScriptState os = fx.load("function filter() return require('os').execute == nil end");
        assertEquals(CallOutcome.PASS, os.call(LuaValue.NIL));
    }

    @Test
    void shouldRefuseBinaryChunksInLoad() throws Exception {
        ScriptState s = fx.load("function filter()\n"
                + "  local f, e = load('\\27Lua\\82\\0\\1\\4\\4\\4\\8\\0')\n"
                + "  local g, e2 = load('return 1', 'x', 'b')\n"
                + "  return f == nil and e:find('binary') ~= nil and g == nil and e2:find('text chunks only') ~= nil\n"
                + "end");
        assertEquals(CallOutcome.PASS, s.call(LuaValue.NIL), fx.lastError());
    }

    @Test
    void shouldRunTextChunksFromLoadUnderTheBudget() throws Exception {
        ScriptState s = fx.load("function filter(p)\n"
                + "  if p == 'ok' then return load('return 1 + 1')() == 2 end\n"
                + "  load('while true do end')()\nend");
        assertEquals(CallOutcome.PASS, s.call(LuaValue.valueOf("ok")), fx.lastError());
        assertEquals(CallOutcome.BUDGET_EXCEEDED, s.call(LuaValue.valueOf("attack")));
    }

    @Test
    void shouldKeepBudgetForChunksLoadedWithOwnEnvironment() throws Exception {
        ScriptState s = fx.load("function filter(p)\n"
                + "  if p == 'ok' then return load('return x', 'env', 't', {x = 5})() == 5 end\n"
                + "  load('while true do end', 'env', 't', {})()\nend");
        assertEquals(CallOutcome.PASS, s.call(LuaValue.valueOf("ok")), fx.lastError());
        assertEquals(CallOutcome.BUDGET_EXCEEDED, s.call(LuaValue.valueOf("attack")));
    }

    @Test
    void shouldCapConcatenationInLoadedChunks() throws Exception {
        ScriptState s = hostile("  load('local s = \\'x\\' while true do s = s .. s end')()");
        assertStoppedAndAlive(s, CallOutcome.SIZE_LIMIT, "exceeds the sandbox limit");
    }

    @Test
    void shouldCapConcatenationInNestedFunctions() throws Exception {
        ScriptState s = fx.load(
                "local function grow(s) return s .. s end\n"
                        + "function filter(p) if p == 'ok' then return true end local s = 'x' while true do s = grow(s) end end");
        assertStoppedAndAlive(s, CallOutcome.SIZE_LIMIT, "exceeds the sandbox limit");
    }

    @Test
    void shouldSurviveCompileBombInLoad() throws Exception {
        ScriptState s = hostile("  local f, e = load(('('):rep(100000) .. '1' .. (')'):rep(100000))\n"
                + "  if f then f() end\n  error(e)");
        CallOutcome o = s.call(LuaValue.valueOf("attack"));
        assertTrue(o.isError(), String.valueOf(o));
        assertEquals(CallOutcome.PASS, s.call(LuaValue.valueOf("ok")));
    }

    @Test
    void shouldReportErrorWithTableValue() throws Exception {
        assertStoppedAndAlive(hostile("  error({})"), CallOutcome.LUA_ERROR, "error object is a table value");
    }

    @Test
    void shouldReportErrorWithNilValue() throws Exception {
        assertStoppedAndAlive(hostile("  error(nil)"), CallOutcome.LUA_ERROR, "nil");
    }

    @Test
    void shouldNotRunTostringOfErrorObject() throws Exception {
        ScriptState s = hostile("  error(setmetatable({}, {__tostring = error}))");
        assertStoppedAndAlive(s, CallOutcome.LUA_ERROR, "error object is a table value");
    }

    @Test
    void shouldNotRunEndlessTostringOfErrorObject() throws Exception {
        ScriptState s = hostile("  error(setmetatable({}, {__tostring = function() while true do end end}))");
        assertStoppedAndAlive(s, CallOutcome.LUA_ERROR, "error object is a table value");
    }

    @Test
    void shouldLetScriptKeepPacketValueInGlobal() throws Exception {
        ScriptState s = fx.load("function filter(p) local prev = last last = p return prev == nil or prev ~= p end");
        LuaTable a = new LuaTable();
        LuaTable b = new LuaTable();
        assertEquals(CallOutcome.PASS, s.call(a));
        assertEquals(CallOutcome.PASS, s.call(b));
        assertEquals(CallOutcome.BLOCK, s.call(b));
    }

    @Test
    void shouldRejectTopLevelChunkThatNeverReturns() {
        ScriptLoadException e = assertThrows(
                ScriptLoadException.class,
                () -> fx.load("function filter() return true end\nlocal i = 0\nwhile true do i = i + 1 end"));
        assertTrue(e.getMessage().contains("top-level chunk did not finish"), e.getMessage());
    }

    @Test
    void shouldRejectTopLevelChunkThatRecursesForever() {
        ScriptLoadException e = assertThrows(
                ScriptLoadException.class,
                () -> fx.load("local function f() return f() + 1 end f()\nfunction filter() end"));
        assertTrue(e.getMessage().contains("stack overflow"), e.getMessage());
    }

    @Test
    void shouldReportJavaExceptionsFromLibrariesAsErrors() throws Exception {
        // string.format('%d', 'x') raises a LuaError; a broken binding throwing a RuntimeException is simulated
        // through a function value that throws.
        ScriptState s = fx.load("function filter(p) return p() end");
        LuaValue thrower = new org.luaj.vm2.lib.ZeroArgFunction() {
            @Override
            public LuaValue call() {
                throw new IllegalStateException("binding bug");
            }
        };
        assertEquals(CallOutcome.JAVA_EXCEPTION, s.call(thrower), fx.lastError());
        assertTrue(fx.lastError().contains("binding bug"), fx.lastError());
        assertEquals(
                CallOutcome.PASS,
                s.call(
                        LuaValue.valueOf(1).isnumber()
                                ? new org.luaj.vm2.lib.ZeroArgFunction() {
                                    @Override
                                    public LuaValue call() {
                                        return TRUE;
                                    }
                                }
                                : LuaValue.NIL));
    }

    @Test
    void shouldCutOffACallThatTakesTooLongWithinItsStepBudget() throws Exception {
        ScriptState s = ScriptState.load(fx.options(
                        "test.lua",
                        "function filter(p)\n  local t = {}\n"
                                + "  for i = 1, 1e12 do t[i % 1000] = tostring(i) end\nend")
                .withCallBudget(1_000_000_000_000L)
                .withCallTimeLimitNanos(20_000_000L)
                .withCallAllocationLimitBytes(0));
        CallTally tally = new CallTally();
        long start = System.nanoTime();
        assertEquals(CallOutcome.BUDGET_EXCEEDED, tally.call(s, LuaValue.NIL));
        assertTrue(fx.lastError().contains("time limit exceeded (20.0 ms per call)"), fx.lastError());
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "cut off long before the step budget");
        assertEquals(CallOutcome.BUDGET_EXCEEDED, tally.call(s, LuaValue.NIL), "the next call gets its own limit");
        assertEquals(2, tally.errors());
    }

    @Test
    void shouldCutOffACallThatAllocatesTooMuchAndKeepTheStateUsable() throws Exception {
        ScriptState s = ScriptState.load(fx.options(
                        "test.lua",
                        "function filter(p)\n"
                                + "  if p == 'ok' then return true end\n  local t = {}\n"
                                + "  for i = 1, 1e9 do t[i] = ('x'):rep(100) .. i end\nend")
                .withCallBudget(1_000_000_000_000L)
                .withCallTimeLimitNanos(0)
                .withCallAllocationLimitBytes(8L << 20));
        assertEquals(CallOutcome.BUDGET_EXCEEDED, s.call(LuaValue.NIL));
        assertTrue(fx.lastError().contains("allocation limit exceeded (8388608 bytes per call)"), fx.lastError());
        assertEquals(CallOutcome.PASS, s.call(LuaValue.valueOf("ok")), "the state still answers");
    }

    @Test
    void shouldResetAStateThatKeepsGrowingAcrossCallsAndGoOn() throws Exception {
        // Each call keeps 2,000 new strings of about 100 bytes: within every per-call limit, unbounded over calls.
        ScriptState s = ScriptState.load(fx.options(
                        "grow.lua",
                        "kept = {}\nfunction filter(p)\n"
                                + "  if p == 'ok' then return true end\n"
                                + "  for i = 1, 2000 do kept[#kept + 1] = ('x'):rep(100) .. #kept end\n  return true\nend")
                .withStateMemoryLimitBytes(4L << 20));
        CallTally tally = new CallTally();
        int calls = 0;
        while (tally.errors(CallOutcome.OUT_OF_MEMORY) == 0 && calls < 2_000) {
            tally.call(s, LuaValue.NIL);
            calls++;
        }
        assertEquals(1, tally.errors(CallOutcome.OUT_OF_MEMORY), "cut off after " + calls + " calls");
        assertTrue(
                fx.lastError().contains("state memory limit exceeded")
                        && fx.lastError().contains("reset"),
                fx.lastError());
        assertTrue(s.lastMeasuredRetainedBytes() > 4L << 20, "measured " + s.lastMeasuredRetainedBytes());
        assertEquals(1, s.memoryResets());
        assertEquals(0, s.globals().get("kept").length(), "the reset state starts from its source again");
        assertEquals(CallOutcome.PASS, s.call(LuaValue.NIL), "and serves calls");
        assertEquals(2000, s.globals().get("kept").length());
    }

    @Test
    void shouldNotResetAStateThatAllocatesMuchButKeepsLittle() throws Exception {
        ScriptState s = ScriptState.load(fx.options(
                        "churn.lua",
                        "last = nil\nfunction filter(p)\n"
                                + "  local t = {}\n  for i = 1, 2000 do t[i] = ('y'):rep(100) .. i end\n  last = t[1]\n"
                                + "  return true\nend")
                .withStateMemoryLimitBytes(4L << 20));
        for (int i = 0; i < 1_000; i++) {
            assertEquals(CallOutcome.PASS, s.call(LuaValue.NIL), fx.lastError());
        }
        assertTrue(s.lastMeasuredRetainedBytes() >= 0, "about 300 MB allocated in all: the state was measured");
        assertTrue(s.lastMeasuredRetainedBytes() < 1L << 20, "keeps little: " + s.lastMeasuredRetainedBytes());
        assertEquals(0, s.memoryResets());
    }
}
