package io.npflua.lua.vm;

/**
 * One execution model the VM corpus runs under ({@link VmCorpusTest}): today LuaJ's interpreter inside the
 * sandbox, later the Lua-to-JVM-bytecode compiler. A runner loads one case as a script's top-level chunk and
 * returns what it printed, in the format of the golden {@code .out} files.
 */
public interface CorpusRunner {
    /**
     * Runs {@code source} as a chunk named {@code name} and returns its output: one {@code \n}-terminated line per
     * {@code print} call; an error escaping the chunk adds a last line {@code !error: <message>} and a compile
     * error the single line {@code !syntax: <message>} (messages keep their {@code name:line:} prefix).
     */
    String run(String name, String source);

    /** A short name for test display names. */
    String name();

    /**
     * Whether the cases of {@code known-differences.txt} that name this runner ({@link #name()}, or {@code both})
     * are expected to differ from the golden output under it; a runner that returns false must match every golden
     * output.
     */
    default boolean hasKnownDifferences() {
        return false;
    }
}
