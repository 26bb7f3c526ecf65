package io.npflua.lua.string.fuzz;

import io.npflua.lua.core.InstructionBudget;
import io.npflua.lua.string.LuaStrings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * Our side of the differential fuzzer: a LuaJ state with npflua's string library, running pattern-driver.lua's
 * {@code RUN_CASE} on one case line at a time, so a case's result line is comparable with lua5.4's.
 */
final class PatternEngine {
    private final LuaValue runCase;
    private final LuaValue loadCase;

    PatternEngine() {
        Globals g = JsePlatform.standardGlobals();
        LuaStrings.install(g);
        g.set("CASES", new LuaTable());
        g.set("EMIT", LuaValue.NIL);
        try (InputStream in = PatternEngine.class.getResourceAsStream("pattern-driver.lua")) {
            if (in == null) {
                throw new IOException("missing test resource pattern-driver.lua");
            }
            g.load(in, "pattern-driver.lua", "t", g).call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        runCase = g.get("RUN_CASE");
        loadCase = g.get("LOAD_CASE");
    }

    /** The driver's result line for {@code caseLine}, under whatever budget the caller armed. */
    String run(String caseLine) {
        return runCase.call(LuaValue.valueOf(caseLine)).tojstring();
    }

    /**
     * The result line after running the case's chunk {@code times} times (the same pattern string objects each
     * time, so the matcher's per-pattern cache and set maps come into play); "unstable: ..." if the runs differ.
     */
    String runRepeated(String caseLine, int times) {
        return runCase.call(LuaValue.valueOf(caseLine), LuaValue.valueOf(times)).tojstring();
    }

    /** The case compiled once: each {@code call()} returns its result line, over the same pattern strings. */
    LuaValue load(String caseLine) {
        return loadCase.call(LuaValue.valueOf(caseLine));
    }

    /**
     * The result line with {@code steps} of budget; "budget exceeded" if the budget ran out. The budget is lifted
     * again before returning.
     */
    String run(String caseLine, long steps) {
        return run(caseLine, 1, steps);
    }

    /** {@link #runRepeated} with {@code steps} of budget for all runs together; "budget exceeded" if it ran out. */
    String run(String caseLine, int times, long steps) {
        InstructionBudget budget = InstructionBudget.current();
        budget.arm(steps);
        try {
            return runRepeated(caseLine, times);
        } catch (io.npflua.lua.core.BudgetExceededError e) {
            return "budget exceeded";
        } finally {
            budget.disarm();
        }
    }
}
