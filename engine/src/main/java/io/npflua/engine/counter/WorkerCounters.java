package io.npflua.engine.counter;

/**
 * One worker's frame and kernel counters ({@link WorkerCounter}), written only by that worker.
 */
public final class WorkerCounters extends CounterSet<WorkerCounter> {
    /** All zero. */
    public WorkerCounters() {
        super(WorkerCounter.class);
    }
}
