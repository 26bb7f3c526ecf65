package io.npflua.lua.vm;

import io.npflua.lua.sandbox.ExecutionModel;
import io.npflua.lua.sandbox.ScriptLoadException;
import io.npflua.lua.sandbox.ScriptOptions;
import io.npflua.lua.sandbox.ScriptState;
import java.util.ArrayList;
import java.util.List;

/**
 * A program run as the top-level chunk of a fresh sandboxed {@link ScriptState}: what it printed, and the load
 * failure if it did not finish. The one way the VM corpus and the differential test run a program in the sandbox.
 *
 * @param printed the lines of its {@code print} calls
 * @param failure the load failure's message, or null when the chunk returned
 */
public record SandboxRun(List<String> printed, String failure) {
    private static final String FAILED = "' failed while loading: ";
    private static final String SYNTAX = "' does not compile: ";

    /**
     * Runs {@code source} as a script named {@code name} whose top-level chunk may take {@code loadBudget} steps,
     * under execution model {@code model}.
     */
    public static SandboxRun of(String name, String source, long loadBudget, ExecutionModel model) {
        List<String> printed = new ArrayList<>();
        ScriptOptions options = ScriptOptions.of(name, source)
                .withPrintSink((script, line) -> printed.add(line))
                .withErrorListener((script, kind, message) -> {})
                .withLoadBudget(loadBudget)
                .withExecutionModel(model);
        try {
            ScriptState.load(options).close(); // the top-level chunk runs at load
            return new SandboxRun(printed, null);
        } catch (ScriptLoadException e) {
            return new SandboxRun(printed, e.getMessage());
        } catch (RuntimeException e) {
            // not a Lua error: LuaJ itself failed (its compiler throws NullPointerException past some limits)
            return new SandboxRun(printed, "LuaJ threw " + e);
        }
    }

    /** The failure of a chunk that compiled but raised an error, without the sandbox's preamble; else null. */
    public String runtimeError() {
        return after(FAILED);
    }

    /** The failure of a chunk that did not compile, without the sandbox's preamble; else null. */
    public String syntaxError() {
        return after(SYNTAX);
    }

    private String after(String marker) {
        if (failure == null || !failure.startsWith("script '")) {
            return null;
        }
        int at = failure.indexOf(marker);
        return at < 0 ? null : failure.substring(at + marker.length());
    }
}
