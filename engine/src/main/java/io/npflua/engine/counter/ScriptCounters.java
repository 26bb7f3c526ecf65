package io.npflua.engine.counter;

import io.npflua.lua.sandbox.CallOutcome;
import org.luaj.vm2.LuaString;

/**
 * One worker's counters for one rule ({@link ScriptCounter}, by rule name). Written only by that worker; they outlive reloads of the rule
 * (a reload replaces the code, not the history) and are dropped when the rule is unloaded.
 *
 * <p>{@code calls = passed + blocked + failures}: passed and blocked count the rule's own verdicts, the failure kinds
 * count calls that failed (whose frames the error policy then passes or blocks).
 */
public final class ScriptCounters extends CounterSet<ScriptCounter> {
    private volatile String lastError;
    private final ReasonCounts reasons = new ReasonCounts();

    /** All zero. */
    public ScriptCounters() {
        super(ScriptCounter.class);
    }

    /**
     * Counts one call's outcome: a Java exception (a handler that threw or returned null) is a handler error, the
     * budget its own kind, every other failure a Lua error. Writer thread only; allocates nothing.
     */
    public void count(CallOutcome outcome) {
        increment(ScriptCounter.CALLS);
        switch (outcome) {
            case PASS -> increment(ScriptCounter.PASSED);
            case BLOCK -> increment(ScriptCounter.BLOCKED);
            case BUDGET_EXCEEDED -> increment(ScriptCounter.BUDGET_ERRORS);
            case JAVA_EXCEPTION -> increment(ScriptCounter.HANDLER_ERRORS);
            case LUA_ERROR, STACK_OVERFLOW, SIZE_LIMIT, OUT_OF_MEMORY -> increment(ScriptCounter.LUA_ERRORS);
        }
    }

    /** Counts a reason the rule gave with its verdict. Writer thread only; allocates nothing. */
    public void countReason(LuaString reason) {
        reasons.count(reason);
    }

    /** The reasons counted so far. */
    public ReasonCounts reasons() {
        return reasons;
    }

    /** The failures of all kinds counted so far. */
    public long failures() {
        return ScriptCounter.failures(this::get);
    }

    /** Records the text of a recent failure (rate-limited by the caller). */
    public void lastError(String text) {
        lastError = text;
    }

    /** Text of a recent failure, or null. */
    public String lastError() {
        return lastError;
    }
}
