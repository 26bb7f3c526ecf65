package io.npflua.lua.vm.fuzz;

/**
 * Something that runs a complete Lua program and reports what it did, as text comparable between engines: the
 * printed lines, one per {@code print}, then a last line {@code ok} or {@code error: <message>} (the message
 * without its {@code chunk:line:} prefix). See {@link DifferentialHarness} for the exact shape.
 */
@FunctionalInterface
public interface LuaRunner {
    /** Runs {@code source} as a chunk called {@code name} and returns its normalised output. */
    String run(String name, String source);
}
