package io.npflua.lua.vm;

import io.npflua.lua.sandbox.ScriptOptions;
import io.npflua.lua.sandbox.ScriptState;

/**
 * Runs a corpus case as the top-level chunk of a sandboxed {@link ScriptState} executed by LuaJ 3.0.1's
 * interpreter, collecting its {@code print} lines. Load failures become the {@code !error:} / {@code !syntax:}
 * line of the golden format, without the sandbox's {@code script '...'} preamble.
 */
public final class InterpreterCorpusRunner implements CorpusRunner {
    @Override
    public String run(String name, String source) {
        SandboxRun run = SandboxRun.of(name, source, ScriptOptions.of(name, source).loadBudget());
        StringBuilder out = new StringBuilder();
        for (String line : run.printed()) {
            out.append(line).append('\n');
        }
        if (run.failure() != null) {
            String syntax = run.syntaxError();
            String error = run.runtimeError();
            out.append(syntax != null ? "!syntax: " + syntax : "!error: " + (error != null ? error : run.failure()))
                    .append('\n');
        }
        return out.toString();
    }

    @Override
    public String name() {
        return "interpreter";
    }

    @Override
    public boolean hasKnownDifferences() {
        return true;
    }
}
