package io.npflua.engine.source;

/** Receives the frames a {@link FrameSource} hands out during one {@link FrameSource#poll} call. */
@FunctionalInterface
public interface FrameConsumer {
    /**
     * Called once per frame, on the polling thread. The frame view is valid only until this method returns.
     * Implementations on the hot path allocate nothing.
     */
    void onFrame(Frame frame);
}
