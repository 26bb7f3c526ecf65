package io.npflua.engine.rule;

import io.npflua.engine.source.Frame;
import io.npflua.lua.sandbox.CallOutcome;
import org.luaj.vm2.LuaString;

/**
 * One worker's instance of one rule: a Lua script's own state, or a Java {@link PacketHandler}.
 *
 * <p>Each worker owns its instances (isolated states); an instance is called only by the worker thread that adopted
 * it, though it may have been created on another thread (the engine builds instances on the control thread so that a
 * swap costs the worker one reference write; see {@link PreparedRule#newInstance(int)}). Instances must therefore
 * look up per-thread context (such as {@code InstructionBudget.current()}) at call time, not at creation.
 */
public interface Rule extends AutoCloseable {
    /**
     * Decides one frame. Never throws for a script failure: failures come back as an error outcome (the Lua adapter
     * maps {@code LuaError} and {@code BudgetExceededError}); the engine still guards against runtime exceptions.
     * Allocates nothing of its own on the hot path.
     */
    CallOutcome evaluate(Frame frame);

    /**
     * The reason the last {@link #evaluate} gave with its verdict ({@code return false, 'why'} in Lua), or null.
     * Valid until the next call; read by the same worker thread right after it. Allocates nothing.
     */
    default LuaString reason() {
        return null;
    }

    /** A description of the last failure, or null; read when a failure is reported (not per frame). */
    default String lastError() {
        return null;
    }

    /**
     * The worker's flow at table entry {@code entry} ended (idle, evicted): forget anything kept for it. Called on
     * the worker's thread, between frames. Default: nothing.
     */
    default void onFlowEnd(int entry) {}

    /** Frees the instance's state. Called on the control thread once no worker uses the instance any more. */
    @Override
    default void close() {}
}
