package io.npflua.engine.counter;

import java.util.Arrays;
import java.util.Map;

/**
 * One worker's counters at one moment: a value per {@link WorkerCounter}.
 *
 * @param state the worker's state: {@code new}, {@code running}, {@code ended} (its finite sources
 *              are exhausted), {@code stopped} or {@code failed} (too many crashes)
 * @param values the counters, indexed by {@link WorkerCounter#ordinal()} (read them with {@link #get})
 */
public record WorkerSnapshot(int index, String state, long[] values) {
    /** Checks the length and keeps a copy. */
    public WorkerSnapshot {
        if (values.length != WorkerCounter.values().length) {
            throw new IllegalArgumentException("one value per WorkerCounter expected, got " + values.length);
        }
        values = values.clone();
    }

    /** Reads {@code counters} (opaque loads). */
    public static WorkerSnapshot of(int index, String state, WorkerCounters counters) {
        WorkerCounter[] all = WorkerCounter.values();
        long[] v = new long[all.length];
        for (WorkerCounter c : all) {
            v[c.ordinal()] = counters.get(c);
        }
        return new WorkerSnapshot(index, state, v);
    }

    /** A snapshot with the given values (by name; every other counter 0): for tests and tools, not the hot path. */
    public static WorkerSnapshot of(int index, String state, Map<WorkerCounter, Long> values) {
        long[] v = new long[WorkerCounter.values().length];
        values.forEach((c, n) -> v[c.ordinal()] = n);
        return new WorkerSnapshot(index, state, v);
    }

    /** The value of {@code counter}. */
    public long get(WorkerCounter counter) {
        return values[counter.ordinal()];
    }

    /** Frames seen ({@link WorkerCounter#SEEN}). */
    public long seen() {
        return get(WorkerCounter.SEEN);
    }

    @Override
    public long[] values() {
        return values.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WorkerSnapshot w
                && w.index == index
                && w.state.equals(state)
                && Arrays.equals(w.values, values);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * index + state.hashCode()) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("WorkerSnapshot[index=")
                .append(index)
                .append(", state=")
                .append(state);
        for (WorkerCounter c : WorkerCounter.values()) {
            b.append(", ").append(c.json()).append('=').append(get(c));
        }
        return b.append(']').toString();
    }
}
