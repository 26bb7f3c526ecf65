package io.npflua.engine.counter;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One rule's counters summed over all workers, with its description. {@code calls = passed + blocked + errors()}.
 *
 * @param name          the rule's name
 * @param kind          {@code lua} or {@code java}
 * @param entry         the entry function ({@code null} for Java handlers)
 * @param onError       {@code pass} or {@code block}
 * @param generation    1 at load, +1 per reload
 * @param values        the counters, indexed by {@link ScriptCounter#ordinal()} (read them with {@link #get})
 * @param lastError     text of a recent failure, or null
 * @param topReasons    the reasons the rule gave most often with its verdicts ({@link #TOP_REASONS} at most), most
 *                      frequent first
 * @param otherReasons  how many verdicts came with a reason not in {@code topReasons}: a less frequent one, or one
 *                      beyond the {@link ReasonCounts#CAPACITY} distinct reasons a worker counts one by one
 */
public record ScriptSnapshot(
        String name,
        String kind,
        String entry,
        String onError,
        long generation,
        long[] values,
        String lastError,
        List<ReasonCounts.ReasonCount> topReasons,
        long otherReasons) {
    /** How many reasons a snapshot lists per rule. */
    public static final int TOP_REASONS = 10;

    /** Checks the length and keeps a copy. */
    public ScriptSnapshot {
        if (values.length != ScriptCounter.values().length) {
            throw new IllegalArgumentException("one value per ScriptCounter expected, got " + values.length);
        }
        values = values.clone();
        topReasons = List.copyOf(topReasons);
    }

    /** Without reasons. */
    public ScriptSnapshot(
            String name, String kind, String entry, String onError, long generation, long[] values, String lastError) {
        this(name, kind, entry, onError, generation, values, lastError, List.of(), 0);
    }

    /**
     * Sums one rule's per-worker counters into a snapshot (the last error any worker recorded wins). Reads the
     * counters without a lock: each value is exact, the set is as consistent as the workers' progress allows.
     */
    public static ScriptSnapshot sum(
            String name, String kind, String entry, String onError, long generation, ScriptCounters[] perWorker) {
        long[] sum = new long[ScriptCounter.values().length];
        String lastError = null;
        ReasonCounts[] reasons = new ReasonCounts[perWorker.length];
        for (int i = 0; i < perWorker.length; i++) {
            reasons[i] = perWorker[i].reasons();
        }
        for (ScriptCounters c : perWorker) {
            for (ScriptCounter k : ScriptCounter.values()) {
                sum[k.ordinal()] += c.get(k);
            }
            if (c.lastError() != null) {
                lastError = c.lastError();
            }
        }
        ReasonCounts.Summary top = ReasonCounts.summarize(reasons, TOP_REASONS);
        return new ScriptSnapshot(name, kind, entry, onError, generation, sum, lastError, top.top(), top.others());
    }

    /** A snapshot with the given values (by name; every other counter 0): for tests and tools, not the hot path. */
    public static ScriptSnapshot of(
            String name,
            String kind,
            String entry,
            String onError,
            long generation,
            Map<ScriptCounter, Long> values,
            String lastError) {
        long[] v = new long[ScriptCounter.values().length];
        values.forEach((c, n) -> v[c.ordinal()] = n);
        return new ScriptSnapshot(name, kind, entry, onError, generation, v, lastError);
    }

    /** The value of {@code counter}. */
    public long get(ScriptCounter counter) {
        return values[counter.ordinal()];
    }

    /** Calls of the rule. */
    public long calls() {
        return get(ScriptCounter.CALLS);
    }

    /** Frames the rule passed. */
    public long passed() {
        return get(ScriptCounter.PASSED);
    }

    /** Frames the rule blocked. */
    public long blocked() {
        return get(ScriptCounter.BLOCKED);
    }

    /** All failures together. */
    public long errors() {
        return ScriptCounter.failures(this::get);
    }

    @Override
    public long[] values() {
        return values.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScriptSnapshot s
                && s.name.equals(name)
                && s.kind.equals(kind)
                && Objects.equals(s.entry, entry)
                && s.onError.equals(onError)
                && s.generation == generation
                && Arrays.equals(s.values, values)
                && Objects.equals(s.lastError, lastError)
                && s.topReasons.equals(topReasons)
                && s.otherReasons == otherReasons;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("ScriptSnapshot[name=")
                .append(name)
                .append(", generation=")
                .append(generation);
        for (ScriptCounter c : ScriptCounter.values()) {
            if (c.json() != null) {
                b.append(", ").append(c.json()).append('=').append(get(c));
            }
        }
        return b.append(", last_error=").append(lastError).append(']').toString();
    }
}
