package io.npflua.lua.string.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import io.npflua.lua.sandbox.InstructionBudget;
import io.npflua.lua.string.LuaStrings;
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
    }

    /** The driver's result line for {@code caseLine}, under whatever budget the caller armed. */
    String run(String caseLine) {
        return runCase.call(LuaValue.valueOf(caseLine)).tojstring();
    }

    /**
     * The result line with {@code steps} of budget; "budget exceeded" if the budget ran out. The budget is lifted
     * again before returning.
     */
    String run(String caseLine, long steps) {
        InstructionBudget budget = InstructionBudget.current();
        budget.arm(steps);
        try {
            return run(caseLine);
        } catch (io.npflua.lua.sandbox.BudgetExceededError e) {
            return "budget exceeded";
        } finally {
            budget.disarm();
        }
    }
}
