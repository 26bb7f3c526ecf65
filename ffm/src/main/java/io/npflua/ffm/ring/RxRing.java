package io.npflua.ffm.ring;

/**
 * A memory-mapped receive ring walked as a duty cycle: each {@link #poll(FrameHandler, int)} hands at most
 * {@code limit} frames that the kernel has given to user space, without blocking, and returns how many.
 *
 * <p>Rings are single-threaded: one thread polls (and, with {@link SliceScope#BLOCK}, only that thread may read the
 * frames' segments).
 */
public interface RxRing {
    /**
     * Hands up to {@code limit} ready frames to {@code handler}; never blocks. Allocation-free per packet (with
     * {@link SliceScope#BLOCK}: one arena per block or batch).
     *
     * @param handler receives each frame.
     * @param limit   the most frames to hand over in this call (> 0).
     * @return the number of frames handled, 0 when the kernel has none ready.
     */
    int poll(FrameHandler handler, int limit);

    /** @return true when a frame is ready now (a cheap acquire load, no system call). */
    boolean isReadable();

    /** @return the ring's version. */
    RingVersion version();

    /** @return the ring's geometry. */
    RingGeometry geometry();

    /**
     * Returns every frame or block still held by user space to the kernel (closing their arenas). Called by
     * {@code close()} of the socket; safe to call at any time on the polling thread.
     */
    void releaseAll();
}
