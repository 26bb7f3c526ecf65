package io.npflua.engine.rule;

import io.npflua.engine.source.Frame;
import io.npflua.lua.sandbox.CallOutcome;

/**
 * A rule written in Java, for programs that embed the engine: {@code Engine.builder().handler("mine", frame -> ...)}.
 * It runs in the chain like a Lua script, with its own counters and error policy. An exception it throws is counted
 * as a {@link CallOutcome#JAVA_EXCEPTION} (counted as a handler error) and handled by the policy; it never stops the worker.
 *
 * <p>The frame view is valid only during the call. If one handler instance is shared by several workers it must be
 * thread-safe; pass a supplier to get one instance per worker instead.
 */
@FunctionalInterface
public interface PacketHandler {
    /** Decides one frame. Should not allocate if the engine is to stay allocation-free. */
    Verdict onFrame(Frame frame);
}
