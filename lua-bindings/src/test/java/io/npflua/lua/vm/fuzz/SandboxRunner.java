package io.npflua.lua.vm.fuzz;

import io.npflua.lua.sandbox.ExecutionModel;
import io.npflua.lua.sandbox.ScriptState;
import io.npflua.lua.vm.SandboxRun;

/**
 * Runs a program in a fresh sandbox {@link ScriptState} under one execution model: the top-level chunk runs at load,
 * its {@code print}s go to a list, and a load failure is the program's uncaught error.
 */
final class SandboxRunner implements LuaRunner {
    /** Generous: the big generated functions run tens of thousands of instructions, a bug's runaway loop no more. */
    static final long LOAD_BUDGET = 200_000_000L;

    private final long loadBudget;
    private final ExecutionModel model;

    SandboxRunner(long loadBudget, ExecutionModel model) {
        this.loadBudget = loadBudget;
        this.model = model;
    }

    @Override
    public String run(String name, String source) {
        SandboxRun run = SandboxRun.of(name, source, loadBudget, model);
        if (run.failure() == null) {
            return DifferentialHarness.okOutput(run.printed());
        }
        String error = run.runtimeError();
        return DifferentialHarness.errorOutput(run.printed(), error != null ? error : run.failure());
    }
}
