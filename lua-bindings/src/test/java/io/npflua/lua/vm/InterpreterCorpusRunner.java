package io.npflua.lua.vm;

import java.util.ArrayList;
import java.util.List;

import io.npflua.lua.sandbox.ScriptLoadException;
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
        List<String> lines = new ArrayList<>();
        ScriptOptions options = ScriptOptions.of(name, source).withPrintSink((script, line) -> lines.add(line));
        try {
            ScriptState.load(options).close(); // the top-level chunk runs at load
        } catch (ScriptLoadException e) {
            lines.add(loadFailure(name, e.getMessage()));
        }
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            out.append(line).append('\n');
        }
        return out.toString();
    }

    private static String loadFailure(String name, String message) {
        String failed = "script '" + name + "' failed while loading: ";
        String syntax = "script '" + name + "' does not compile: ";
        if (message.startsWith(failed)) {
            return "!error: " + message.substring(failed.length());
        }
        if (message.startsWith(syntax)) {
            return "!syntax: " + message.substring(syntax.length());
        }
        return "!error: " + message;
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
