package io.npflua.engine.rule;

import io.npflua.engine.source.Frame;
import io.npflua.lua.sandbox.CallOutcome;

/** Runs a Java {@link PacketHandler} as a {@link Rule}: exceptions and null verdicts become handler errors. */
public final class HandlerRule implements Rule {
    private final PacketHandler handler;
    private Throwable lastFailure;
    private boolean lastWasNull;

    /** Wraps {@code handler}. */
    public HandlerRule(PacketHandler handler) {
        this.handler = handler;
    }

    /** Calls the handler; allocates nothing unless the handler throws. */
    @Override
    public CallOutcome evaluate(Frame frame) {
        final Verdict verdict;
        try {
            verdict = handler.onFrame(frame);
        } catch (RuntimeException | StackOverflowError | AssertionError e) {
            lastFailure = e;
            lastWasNull = false;
            return CallOutcome.JAVA_EXCEPTION;
        }
        if (verdict == Verdict.PASS) {
            return CallOutcome.PASS;
        }
        if (verdict == Verdict.BLOCK) {
            return CallOutcome.BLOCK;
        }
        lastWasNull = true;
        return CallOutcome.JAVA_EXCEPTION;
    }

    @Override
    public String lastError() {
        if (lastWasNull) {
            return "handler returned null instead of PASS or BLOCK";
        }
        return lastFailure == null ? null : lastFailure.toString();
    }
}
