package io.npflua.engine.counter;

/**
 * One worker's frame and kernel counters ({@link WorkerCounter}), written only by that worker.
 */
public final class WorkerCounters extends CounterSet<WorkerCounter> {
    /** All zero. */
    public WorkerCounters() {
        super(WorkerCounter.class);
    }

    /** Reads {@code counter} from any thread; a {@link WorkerCounter#derived()} total is the sum of its parts. */
    @Override
    public long get(WorkerCounter counter) {
        if (!counter.derived()) {
            return super.get(counter);
        }
        long sum = 0;
        for (WorkerCounter part : counter.parts()) {
            sum += super.get(part);
        }
        return sum;
    }
}
