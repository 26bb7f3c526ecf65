package io.npflua.lua.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.lua.sandbox.CallOutcome;
import io.npflua.lua.sandbox.ExecutionModel;
import io.npflua.lua.sandbox.ScriptOptions;
import io.npflua.lua.sandbox.ScriptState;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaValue;

/**
 * The instruction budget means the same under both execution models: the smallest budget with which a call
 * completes is the interpreter's count of the instructions it ran (one step each) and the compiled code's sum of
 * its basic blocks, which must be equal for a call whose blocks all run to their end; a block that an error cuts
 * short is charged whole by compiled code (the issue allows one basic block per call of difference).
 */
class BudgetAgreementTest {
    private static final List<String> SCRIPTS = List.of(
            "function filter(p) return true end",
            "function filter(p) local s = 0 for i = 1, 100 do s = s + i end return s == 5050 end",
            "local function f(n) if n < 2 then return n end return f(n - 1) + f(n - 2) end\n"
                    + "function filter(p) return f(12) == 144 end",
            "function filter(p) local t = {} for i = 1, 50 do t[#t + 1] = i .. '' end\n"
                    + "  local n = 0 for k, v in pairs(t) do n = n + #v end return n > 0 end",
            "function filter(p) local i = 0\n"
                    + "  while i < 30 do i = i + 1 if i % 7 == 0 then goto skip end ::skip:: end return i == 30 end",
            "function filter(p) local fs = {} for i = 1, 10 do fs[i] = function() return i end end\n"
                    + "  local s = 0 for _, f in ipairs(fs) do s = s + f() end return s == 55 end",
            // library calls only: compiled code charges the whole call once, at its return
            "function filter(p) local s = ('ab'):rep(3) if #s ~= 6 then return false end\n"
                    + "  local u = s:upper() if u:sub(1, 2) == 'AB' then return string.len(u) == 6 end return false end",
            // a backward jump that is also a test's target, and a library that calls back into Lua
            "function filter(p) local i, n = 0, 0 repeat i = i + 1 if i % 2 == 0 then n = n + 1 end until i >= 20\n"
                    + "  local r = ('a b c'):gsub('%a', function(c) n = n + 1 return c:upper() end) return n == 13 end",
            // calls through __call and a tail call
            "local t = setmetatable({}, {__call = function(self, x) return x * 2 end})\n"
                    + "local function tail(n) if n == 0 then return 0 end return tail(n - 1) end\n"
                    + "function filter(p) return t(21) == 42 and tail(40) == 0 end");

    /** Each raises inside a basic block: compiled code has charged that block whole (at most a few steps more). */
    private static final List<String> RAISING = List.of(
            "function filter(p) local ok = pcall(function() error('x') end) return not ok end",
            "function filter(p) local n = 0 for i = 1, 5 do\n"
                    + "  local ok = pcall(function() local t = nil; return t.x + 1 end) if not ok then n = n + 1 end\n"
                    + "end return n == 5 end");

    private static boolean passes(String source, long budget, ExecutionModel model) throws Exception {
        ScriptState s = ScriptState.load(ScriptOptions.of("b.lua", source)
                .withExecutionModel(model)
                .withCallBudget(budget)
                .withErrorListener((n, k, m) -> {})
                .withCallTimeLimitNanos(0)
                .withCallAllocationLimitBytes(0));
        return s.call(LuaValue.NIL) == CallOutcome.PASS;
    }

    /** The smallest budget with which the call passes (binary search; the call must pass with 10 M). */
    private static long minimalBudget(String source, ExecutionModel model) throws Exception {
        long lo = 1;
        long hi = 10_000_000;
        assertTrue(passes(source, hi, model), model + " must pass: " + source);
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            if (passes(source, mid, model)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    @Test
    void shouldChargeACompletedCallTheSameStepsUnderBothModels() throws Exception {
        for (String source : SCRIPTS) {
            long interpreted = minimalBudget(source, ExecutionModel.INTERPRETED);
            long compiled = minimalBudget(source, ExecutionModel.COMPILED);
            assertEquals(interpreted, compiled, source);
            assertTrue(interpreted > 1, source);
        }
    }

    @Test
    void shouldChargeABlockCutShortByAnErrorAtMostWhole() throws Exception {
        for (String source : RAISING) {
            long interpreted = minimalBudget(source, ExecutionModel.INTERPRETED);
            long compiled = minimalBudget(source, ExecutionModel.COMPILED);
            long errors = source.contains("for i = 1, 5") ? 5 : 1;
            assertTrue(
                    compiled >= interpreted && compiled - interpreted <= 4 * errors,
                    "interpreted " + interpreted + ", compiled " + compiled + ": " + source);
        }
    }
}
