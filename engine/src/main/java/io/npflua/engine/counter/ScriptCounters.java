package io.npflua.engine.counter;

import io.npflua.engine.rule.RuleOutcome;

/**
 * One worker's counters for one rule (by name). Written only by that worker; they outlive reloads of the rule
 * (a reload replaces the code, not the history) and are dropped when the rule is unloaded.
 *
 * <p>{@code calls = passed + blocked + errors}: passed and blocked count the rule's own verdicts, errors count
 * failures (whose frames the error policy then passes or blocks).
 */
public final class ScriptCounters extends CounterSet {
    /** Rule calls. */
    public static final int CALLS = 0;
    /** Frames the rule passed. */
    public static final int PASSED = 1;
    /** Frames the rule blocked. */
    public static final int BLOCKED = 2;
    /** Lua errors. */
    public static final int LUA_ERRORS = 3;
    /** Instruction budget exhausted. */
    public static final int BUDGET_ERRORS = 4;
    /** Java handler exceptions. */
    public static final int HANDLER_ERRORS = 5;
    /** Estimated nanoseconds spent in the rule (sampled, scaled to all calls). */
    public static final int TIME_NS = 6;
    /** Calls whose time was measured. */
    public static final int TIMED_CALLS = 7;
    private static final int COUNT = 8;

    private volatile String lastError;

    /** All zero. */
    public ScriptCounters() {
        super(COUNT);
    }

    /** Counts one call's outcome. Writer thread only; allocates nothing. */
    public void count(RuleOutcome outcome) {
        increment(CALLS);
        switch (outcome) {
            case PASS -> increment(PASSED);
            case BLOCK -> increment(BLOCKED);
            case LUA_ERROR -> increment(LUA_ERRORS);
            case BUDGET_EXCEEDED -> increment(BUDGET_ERRORS);
            case HANDLER_ERROR -> increment(HANDLER_ERRORS);
        }
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
