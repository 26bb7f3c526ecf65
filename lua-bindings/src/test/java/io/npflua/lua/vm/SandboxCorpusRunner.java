package io.npflua.lua.vm;

import io.npflua.lua.sandbox.ExecutionModel;
import io.npflua.lua.sandbox.ScriptOptions;
import io.npflua.lua.sandbox.ScriptState;

/**
 * Runs a corpus case as the top-level chunk of a sandboxed {@link ScriptState} under one execution model (LuaJ
 * 3.0.1's interpreter, or compiled to JVM bytecode), collecting its {@code print} lines. Load failures become the {@code !error:} / {@code !syntax:}
 * line of the golden format, without the sandbox's {@code script '...'} preamble.
 */
public final class SandboxCorpusRunner implements CorpusRunner {
    private final ExecutionModel model;

    public SandboxCorpusRunner(ExecutionModel model) {
        this.model = model;
    }

    @Override
    public String run(String name, String source) {
        SandboxRun run =
                SandboxRun.of(name, source, ScriptOptions.of(name, source).loadBudget(), model);
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
        return model.label();
    }

    @Override
    public boolean hasKnownDifferences() {
        return true;
    }
}
