package io.npflua.lua.core;

/**
 * Thrown when a script call exceeds its instruction budget, or its time or allocation limit. An {@link Error} on purpose: LuaJ's {@code pcall}
 * catches {@code LuaError} and {@code Exception} only, so a script cannot swallow it. No stack trace is filled in.
 */
public final class BudgetExceededError extends Error {
    private static final long serialVersionUID = 1L;

    private final long limit;

    public BudgetExceededError(long limit) {
        this("instruction budget exceeded (" + limit + " steps per call)", limit);
    }

    /** A call cut off by another limit of the budget (time, allocation); {@code limit} is its step budget. */
    public BudgetExceededError(String message, long limit) {
        super(message, null, false, false);
        this.limit = limit;
    }

    /** The budget the call was armed with. */
    public long limit() {
        return limit;
    }
}
