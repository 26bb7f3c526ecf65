package io.npflua.lua.vm.fuzz;

import io.npflua.lua.sandbox.ExecutionModel;

/** The runners of the differential test, by name: {@code interp}, {@code compiled}, {@code lua52}. */
public final class Runners {
    /** Instruction budget of the quick interpreter: plenty for any generated program, a runaway loop stops soon. */
    private static final long QUICK_BUDGET = 20_000_000L;

    private static final long QUICK_TIMEOUT_SECONDS = 2;

    private Runners() {}

    /** The LuaJ interpreter inside the npflua sandbox. */
    public static LuaRunner interpreter() {
        return new SandboxRunner(SandboxRunner.LOAD_BUDGET, ExecutionModel.INTERPRETED);
    }

    /** The engine under test: programs compiled to JVM bytecode, run in the sandbox. */
    public static LuaRunner compiled() {
        return new SandboxRunner(SandboxRunner.LOAD_BUDGET, ExecutionModel.COMPILED);
    }

    /** The reference C interpreter, {@code lua5.2} on the PATH (by hand only, never in CI). */
    public static LuaRunner lua52() {
        return new ProcessRunner("lua5.2", ProcessRunner.TIMEOUT_SECONDS);
    }

    /** The runner called {@code name}: {@code interp}, {@code compiled} or {@code lua52}. */
    public static LuaRunner byName(String name) {
        return switch (name) {
            case "interp" -> interpreter();
            case "compiled" -> compiled();
            case "lua52" -> lua52();
            default ->
                throw new IllegalArgumentException(
                        "unknown runner '" + name + "' (expected interp, compiled or lua52)");
        };
    }

    /**
     * The runner called {@code name} with tight limits, for the minimiser: deleting a line can turn a loop endless,
     * and such a candidate should cost a moment, not the full limit.
     */
    static LuaRunner quick(String name) {
        return switch (name) {
            case "interp" -> new SandboxRunner(QUICK_BUDGET, ExecutionModel.INTERPRETED);
            case "compiled" -> new SandboxRunner(QUICK_BUDGET, ExecutionModel.COMPILED);
            case "lua52" -> new ProcessRunner("lua5.2", QUICK_TIMEOUT_SECONDS);
            default -> byName(name);
        };
    }
}
