package io.npflua.ffm.ring;

/**
 * Receives the frames of an {@link RxRing} during {@link RxRing#poll(FrameHandler, int)}.
 *
 * <p>The {@link PacketFrame} passed in is a flyweight reused for every frame: read it (or copy from it) during the
 * call, do not keep it.
 */
@FunctionalInterface
public interface FrameHandler {
    /**
     * Called once per received frame, on the polling thread.
     *
     * @param frame the current frame; valid only during this call (and, for {@link SliceScope#BLOCK}, until its block
     *              is returned to the kernel, after which its segment refuses access).
     */
    void onFrame(PacketFrame frame);
}
