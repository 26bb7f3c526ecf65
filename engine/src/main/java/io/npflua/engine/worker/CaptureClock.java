package io.npflua.engine.worker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The time of the capture being replayed: the latest capture time any worker has handed to its chain. In
 * {@code replay} the {@code shared} tables' TTLs run on it, so a window of 10 s means 10 s of the capture however
 * fast it is read. Each worker writes its own padded slot (one opaque store per frame, no sharing on the packet
 * path); {@link #nowNs()} reads them all.
 */
public final class CaptureClock {
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    /** Longs between two workers' slots: a cache line and a half, so no two slots share a line. */
    private static final int STRIDE = 16;

    private final long[] slots;

    /** A clock for {@code workers} workers, at 0 until the first frame. */
    public CaptureClock(int workers) {
        this.slots = new long[(workers + 1) * STRIDE];
    }

    /** Worker {@code worker} handed out a frame captured at {@code ns}. Writer: that worker only. */
    public void advance(int worker, long ns) {
        int i = (worker + 1) * STRIDE;
        if (ns > slots[i]) {
            LONGS.setOpaque(slots, i, ns);
        }
    }

    /** The latest capture time seen by any worker, ns since the epoch (0 before the first frame). Any thread. */
    public long nowNs() {
        long max = 0;
        for (int i = STRIDE; i < slots.length; i += STRIDE) {
            max = Math.max(max, (long) LONGS.getOpaque(slots, i));
        }
        return max;
    }
}
