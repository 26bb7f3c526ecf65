package io.npflua.lua.sandbox;

/**
 * Thrown when a script call exceeds its instruction budget. An {@link Error} on purpose: LuaJ's {@code pcall}
 * catches {@code LuaError} and {@code Exception} only, so a script cannot swallow it. No stack trace is filled in.
 */
public final class BudgetExceededError extends Error {
    private static final long serialVersionUID = 1L;

    private final long limit;

    public BudgetExceededError(long limit) {
        super("instruction budget exceeded (" + limit + " steps per call)", null, false, false);
        this.limit = limit;
    }

    /** The budget the call was armed with. */
    public long limit() {
        return limit;
    }
}
