package io.npflua.engine.worker;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The number of frames an engine may still hand to its chains ({@code npflua run -c N}), shared by its workers:
 * a worker claims a share before it polls, hands out no more than it holds, and gives back what it holds when a poll
 * finds nothing, so exactly N frames reach the scripts and the outputs, whatever the number of workers. Frames beyond
 * it stay in the ring. Thread-safe; allocation-free.
 */
public final class FrameQuota {
    private final AtomicLong left;

    /** A quota of {@code frames} (at least 1). */
    public FrameQuota(long frames) {
        if (frames < 1) {
            throw new IllegalArgumentException("a frame quota needs at least 1 frame, got " + frames);
        }
        this.left = new AtomicLong(frames);
    }

    /** Takes up to {@code want} frames of the quota; returns how many (0 once it is used up). */
    public int claim(int want) {
        while (true) {
            long l = left.get();
            if (l <= 0) {
                return 0;
            }
            int n = (int) Math.min(want, l);
            if (left.compareAndSet(l, l - n)) {
                return n;
            }
        }
    }

    /** Returns {@code unused} frames of a claim. */
    public void giveBack(int unused) {
        if (unused > 0) {
            left.addAndGet(unused);
        }
    }

    /** Frames not yet claimed (claims in progress are not counted as left). */
    public long left() {
        return left.get();
    }
}
