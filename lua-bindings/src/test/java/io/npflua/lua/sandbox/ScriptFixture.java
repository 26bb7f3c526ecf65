package io.npflua.lua.sandbox;

import java.util.ArrayList;
import java.util.List;

/**
 * A script state plus what it printed and reported, for tests. The per-call wall-clock limit is off here: a test of
 * something else must not fail because a loaded machine (CI, a parallel build) made a long call slow; the tests of
 * the time limit set it themselves.
 */
final class ScriptFixture {
    final List<String> printed = new ArrayList<>();
    final List<String> errors = new ArrayList<>();
    final List<CallOutcome> errorKinds = new ArrayList<>();

    ScriptOptions options(String name, String source) {
        return ScriptOptions.of(name, source)
                .withCallTimeLimitNanos(0)
                .withPrintSink((script, line) -> printed.add(script + ": " + line))
                .withErrorListener((script, outcome, message) -> {
                    errors.add(message);
                    errorKinds.add(outcome);
                });
    }

    ScriptState load(String source) throws ScriptLoadException {
        return ScriptState.load(options("test.lua", source));
    }

    String lastError() {
        return errors.isEmpty() ? null : errors.get(errors.size() - 1);
    }
}
