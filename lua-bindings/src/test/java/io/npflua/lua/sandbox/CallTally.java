package io.npflua.lua.sandbox;

import org.luaj.vm2.LuaValue;

/**
 * Counts the outcomes of the calls made through it: a test's own tally, since a {@link ScriptState} does not count
 * (the engine counts per worker and rule). One thread at a time.
 */
public final class CallTally {
    private final long[] byOutcome = new long[CallOutcome.values().length];

    /** Calls {@code state} with {@code arg} and counts the outcome. */
    public CallOutcome call(ScriptState state, LuaValue arg) {
        return count(state.call(arg));
    }

    /** Counts {@code outcome} and returns it. */
    public CallOutcome count(CallOutcome outcome) {
        byOutcome[outcome.ordinal()]++;
        return outcome;
    }

    /** Calls counted (= passed + blocked + errors). */
    public long calls() {
        long n = 0;
        for (long c : byOutcome) {
            n += c;
        }
        return n;
    }

    /** Calls that passed. */
    public long passed() {
        return byOutcome[CallOutcome.PASS.ordinal()];
    }

    /** Calls that blocked. */
    public long blocked() {
        return byOutcome[CallOutcome.BLOCK.ordinal()];
    }

    /** Calls that failed, of any kind. */
    public long errors() {
        return calls() - passed() - blocked();
    }

    /** Calls that ended with {@code outcome}. */
    public long errors(CallOutcome outcome) {
        return byOutcome[outcome.ordinal()];
    }
}
