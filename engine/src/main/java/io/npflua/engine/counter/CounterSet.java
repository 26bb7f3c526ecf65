package io.npflua.engine.counter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A fixed set of single-writer {@code long} counters: one thread (a worker) writes them with opaque stores, any
 * thread reads them with opaque loads. No atomics or fences on the writer's path: an increment is a load and a
 * store, as cheap as a plain field. Values never tear (64-bit opaque access) and each counter only grows, but two
 * counters read one after the other may belong to slightly different moments; totals balance exactly once the writer
 * has stopped (e.g. after {@code Engine.close()}).
 *
 * <p>The array is padded at both ends so that counters of different workers never share a cache line.
 */
public class CounterSet<E extends Enum<E>> {
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    // 64 bytes of padding on each side: one cache line on x86-64.
    private static final int PAD = 8;

    private final long[] values;
    private final int size;

    /** One counter per constant of {@code keys}, all zero. */
    protected CounterSet(Class<E> keys) {
        this.size = keys.getEnumConstants().length;
        this.values = new long[PAD + size + PAD];
    }

    /** Adds one to {@code counter}. Writer thread only. Allocates nothing. */
    public final void increment(E counter) {
        final int i = PAD + counter.ordinal();
        LONGS.setOpaque(values, i, values[i] + 1);
    }

    /** Adds {@code delta} to {@code counter}. Writer thread only. Allocates nothing. */
    public final void add(E counter, long delta) {
        final int i = PAD + counter.ordinal();
        LONGS.setOpaque(values, i, values[i] + delta);
    }

    /** Sets {@code counter} (a gauge, or a total copied from elsewhere). Writer thread only. Allocates nothing. */
    public final void set(E counter, long value) {
        LONGS.setOpaque(values, PAD + counter.ordinal(), value);
    }

    /** Reads {@code counter} from any thread. */
    public long get(E counter) {
        return (long) LONGS.getOpaque(values, PAD + counter.ordinal());
    }
}
