package io.npflua.lua.vm.fuzz;

import java.util.ArrayList;
import java.util.List;

import io.npflua.lua.sandbox.ScriptLoadException;
import io.npflua.lua.sandbox.ScriptOptions;
import io.npflua.lua.sandbox.ScriptState;

/**
 * Runs a program in a fresh sandbox {@link ScriptState} (the LuaJ interpreter): the top-level chunk runs at load,
 * its {@code print}s go to a list, and a load failure is the program's uncaught error.
 */
final class InterpreterRunner implements LuaRunner {
    /** Generous: the big generated functions run tens of thousands of instructions, a bug's runaway loop no more. */
    static final long LOAD_BUDGET = 200_000_000L;

    private final long loadBudget;

    InterpreterRunner(long loadBudget) {
        this.loadBudget = loadBudget;
    }

    @Override
    public String run(String name, String source) {
        List<String> out = new ArrayList<>();
        ScriptOptions options = ScriptOptions.of(name, source)
                .withPrintSink((script, line) -> out.add(line))
                .withErrorListener((script, kind, message) -> { })
                .withLoadBudget(loadBudget);
        try (ScriptState state = ScriptState.load(options)) {
            return DifferentialHarness.okOutput(out);
        } catch (RuntimeException e) {
            // not a Lua error: LuaJ itself failed (its compiler throws NullPointerException past some limits)
            return DifferentialHarness.errorOutput(out, "LuaJ threw " + e);
        } catch (ScriptLoadException e) {
            String prefix = "script '" + name + "' failed while loading: ";
            String message = e.getMessage();
            return DifferentialHarness.errorOutput(out, message.startsWith(prefix)
                    ? message.substring(prefix.length()) : message);
        }
    }
}
