package io.npflua.engine.counter;

import java.util.List;

/**
 * The engine's counters at one moment: totals, per worker and per rule (in chain order).
 *
 * @param elapsedNs wall time since the engine started (up to close when closed)
 * @param final_    true when taken after close: every invariant holds exactly
 * @param unloadedErrors rule failures counted by rules that have since been unloaded (kept in {@link #errors()})
 * @param eventWriterRestarts times the event log's writer thread died and was run again (0 without an event log)
 */
public record EngineSnapshot(
        long elapsedNs,
        boolean final_,
        List<WorkerSnapshot> workers,
        List<ScriptSnapshot> scripts,
        long unloadedErrors,
        long eventWriterRestarts) {
    /** The sum of {@code counter} over all workers. */
    public long total(WorkerCounter counter) {
        long n = 0;
        for (WorkerSnapshot w : workers) {
            n += w.get(counter);
        }
        return n;
    }

    /** Frames seen by all workers. */
    public long frames() {
        return total(WorkerCounter.SEEN);
    }

    /** Frames passed by the whole chain. */
    public long passed() {
        return total(WorkerCounter.PASSED);
    }

    /** Frames blocked. */
    public long blocked() {
        return total(WorkerCounter.BLOCKED);
    }

    /** Passed frames forwarded (inline). */
    public long forwarded() {
        return total(WorkerCounter.FORWARDED);
    }

    /** Kernel packet count (includes drops). */
    public long kernelPackets() {
        return total(WorkerCounter.KERNEL_PACKETS);
    }

    /** Kernel drops. */
    public long kernelDrops() {
        return total(WorkerCounter.KERNEL_DROPS);
    }

    /** Ring freezes. */
    public long freezes() {
        return total(WorkerCounter.FREEZES);
    }

    /** Worker restarts. */
    public long restarts() {
        return total(WorkerCounter.RESTARTS);
    }

    /** Rule failures of all kinds, over all rules, including rules unloaded since. */
    public long errors() {
        return unloadedErrors
                + scripts.stream().mapToLong(ScriptSnapshot::errors).sum();
    }

    /** Wall time per frame (elapsed ÷ frames), or -1 before the first frame. */
    public long nsPerFrame() {
        long frames = frames();
        return frames == 0 ? -1 : elapsedNs / frames;
    }

    /** The rule called {@code name}, or null. */
    public ScriptSnapshot script(String name) {
        for (ScriptSnapshot s : scripts) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }
}
