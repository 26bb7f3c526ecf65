package io.npflua.lua.sandbox;

/** What one call of a script's entry function came to. Constants only: returning one allocates nothing. */
public enum CallOutcome {
    /** The entry function returned a true value: the frame passes. */
    PASS(false),
    /** The entry function returned {@code false} or {@code nil}: the frame is blocked. */
    BLOCK(false),
    /** An uncaught Lua error ({@code error(...)}, a runtime error such as indexing nil). */
    LUA_ERROR(true),
    /** The call used up its instruction budget (cannot be caught by the script). */
    BUDGET_EXCEEDED(true),
    /** Lua calls nested beyond the limit, or the Java stack overflowed. */
    STACK_OVERFLOW(true),
    /** A string would have exceeded {@link SandboxLimits#MAX_STRING_BYTES}. */
    SIZE_LIMIT(true),
    /** The JVM ran out of heap during the call (contained, but the engine should take it as a warning). */
    OUT_OF_MEMORY(true),
    /** A Java exception escaped a library function (a bug in a binding, not in the script). */
    JAVA_EXCEPTION(true);

    private final boolean error;

    CallOutcome(boolean error) {
        this.error = error;
    }

    /** True for every outcome except {@link #PASS} and {@link #BLOCK}. */
    public boolean isError() {
        return error;
    }
}
