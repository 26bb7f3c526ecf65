package io.npflua.engine;

import io.npflua.engine.agent.ErrorHandler;
import io.npflua.engine.source.SourceFailedException;
import io.npflua.lua.sandbox.CallOutcome;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An error handler that keeps every report, for assertions: {@code worker:what:cause:restarting} for worker errors,
 * {@code rule:KIND:message} for rule errors, {@code worker:source:message} for source errors.
 */
public final class RecordingErrors implements ErrorHandler {
    public final List<String> ruleErrors = new CopyOnWriteArrayList<>();
    public final List<String> workerErrors = new CopyOnWriteArrayList<>();
    public final List<String> sourceErrors = new CopyOnWriteArrayList<>();

    @Override
    public void onRuleError(int worker, String rule, CallOutcome kind, String message, long suppressed) {
        ruleErrors.add(rule + ":" + kind + ":" + message);
    }

    @Override
    public void onWorkerError(int worker, String what, Throwable cause, boolean restarting) {
        workerErrors.add(worker + ":" + what + ":" + cause + ":" + restarting);
    }

    @Override
    public void onSourceError(int worker, String source, SourceFailedException error) {
        sourceErrors.add(worker + ":" + source + ":" + error.getMessage());
    }
}
