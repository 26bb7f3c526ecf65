package io.npflua.lua.sandbox;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Counters of one {@link ScriptState}: written only by the thread that calls the state, readable from any thread
 * (opaque reads: each value is never torn and never stale for long, but the counters are not a consistent snapshot
 * of each other while calls run).
 */
public final class ScriptCounters {
    private static final VarHandle CALLS;
    private static final VarHandle PASSED;
    private static final VarHandle BLOCKED;
    private static final VarHandle ERRORS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            CALLS = lookup.findVarHandle(ScriptCounters.class, "calls", long.class);
            PASSED = lookup.findVarHandle(ScriptCounters.class, "passed", long.class);
            BLOCKED = lookup.findVarHandle(ScriptCounters.class, "blocked", long.class);
            ERRORS = lookup.findVarHandle(ScriptCounters.class, "errors", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through CALLS
    private long calls;
    @SuppressWarnings("unused")
    private long passed;
    @SuppressWarnings("unused")
    private long blocked;
    @SuppressWarnings("unused")
    private long errors;
    private final long[] byOutcome = new long[CallOutcome.values().length];

    ScriptCounters() {
    }

    /** Allocates nothing. */
    void countPass() {
        CALLS.setOpaque(this, (long) CALLS.getOpaque(this) + 1);
        PASSED.setOpaque(this, (long) PASSED.getOpaque(this) + 1);
    }

    /** Allocates nothing. */
    void countBlock() {
        CALLS.setOpaque(this, (long) CALLS.getOpaque(this) + 1);
        BLOCKED.setOpaque(this, (long) BLOCKED.getOpaque(this) + 1);
    }

    void countError(CallOutcome outcome) {
        CALLS.setOpaque(this, (long) CALLS.getOpaque(this) + 1);
        ERRORS.setOpaque(this, (long) ERRORS.getOpaque(this) + 1);
        synchronized (byOutcome) {
            byOutcome[outcome.ordinal()]++;
        }
    }

    /** Calls of the entry function (= passed + blocked + errors). */
    public long calls() {
        return (long) CALLS.getOpaque(this);
    }

    /** Calls that returned a true value. */
    public long passed() {
        return (long) PASSED.getOpaque(this);
    }

    /** Calls that returned {@code false} or {@code nil}. */
    public long blocked() {
        return (long) BLOCKED.getOpaque(this);
    }

    /** Calls that failed, of any kind. */
    public long errors() {
        return (long) ERRORS.getOpaque(this);
    }

    /** Failed calls of one kind; 0 for {@link CallOutcome#PASS} and {@link CallOutcome#BLOCK}. */
    public long errors(CallOutcome outcome) {
        synchronized (byOutcome) {
            return byOutcome[outcome.ordinal()];
        }
    }

    @Override
    public String toString() {
        return "calls=" + calls() + " passed=" + passed() + " blocked=" + blocked() + " errors=" + errors();
    }
}
