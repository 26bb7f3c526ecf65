package io.npflua.lua.core;

/**
 * Told where a call's budget ran out: the state's hook records the site for the error message. Bound to the thread's
 * {@link InstructionBudget} for the duration of a call.
 */
@FunctionalInterface
public interface ExhaustionListener {
    /**
     * The budget of the running call ran out at VM instruction {@code pc} of the running function ({@code -1}: in
     * library code).
     */
    void recordExhaustion(int pc);
}
