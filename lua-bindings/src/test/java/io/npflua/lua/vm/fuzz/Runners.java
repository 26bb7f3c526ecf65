package io.npflua.lua.vm.fuzz;

/** The runners of the differential test, by name: {@code interp}, {@code compiled}, {@code lua52}. */
public final class Runners {
    private Runners() {
    }

    /** The LuaJ interpreter inside the npflua sandbox. */
    public static LuaRunner interpreter() {
        return new InterpreterRunner();
    }

    /** The engine under test: programs compiled to JVM bytecode, run in the sandbox. */
    public static LuaRunner compiled() {
        // TODO compiled runner: replaced when io.npflua.lua.compiler lands
        return new InterpreterRunner();
    }

    /** The reference C interpreter, {@code lua5.2} on the PATH (by hand only, never in CI). */
    public static LuaRunner lua52() {
        return new ProcessRunner("lua5.2");
    }

    /** The runner called {@code name}: {@code interp}, {@code compiled} or {@code lua52}. */
    public static LuaRunner byName(String name) {
        return switch (name) {
            case "interp" -> interpreter();
            case "compiled" -> compiled();
            case "lua52" -> lua52();
            default -> throw new IllegalArgumentException("unknown runner '" + name
                    + "' (expected interp, compiled or lua52)");
        };
    }
}
