package io.npflua.engine.rule;

import io.npflua.engine.source.Frame;

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
    public RuleOutcome evaluate(Frame frame) {
        final Verdict verdict;
        try {
            verdict = handler.onFrame(frame);
        } catch (RuntimeException | StackOverflowError | AssertionError e) {
            lastFailure = e;
            lastWasNull = false;
            return RuleOutcome.HANDLER_ERROR;
        }
        if (verdict == Verdict.PASS) {
            return RuleOutcome.PASS;
        }
        if (verdict == Verdict.BLOCK) {
            return RuleOutcome.BLOCK;
        }
        lastWasNull = true;
        return RuleOutcome.HANDLER_ERROR;
    }

    @Override
    public String lastError() {
        if (lastWasNull) {
            return "handler returned null instead of PASS or BLOCK";
        }
        return lastFailure == null ? null : lastFailure.toString();
    }
}
