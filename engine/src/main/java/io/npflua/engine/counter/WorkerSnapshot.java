package io.npflua.engine.counter;

/**
 * One worker's counters at one moment.
 *
 * @param state the worker's state: {@code new}, {@code running}, {@code ended} (its finite sources
 *              are exhausted), {@code stopped} or {@code failed} (too many crashes)
 */
public record WorkerSnapshot(int index, String state, long seen, long passed, long blocked, long forwarded,
                             long forwardFailed, long outputErrors, long kernelPackets, long kernelDrops, long freezes,
                             long restarts, long aborted, long chainSwaps, long sourceErrors) {
    /** Reads {@code counters} (opaque loads). */
    public static WorkerSnapshot of(int index, String state, WorkerCounters c) {
        return new WorkerSnapshot(index, state, c.get(WorkerCounters.SEEN), c.get(WorkerCounters.PASSED),
                c.get(WorkerCounters.BLOCKED), c.get(WorkerCounters.FORWARDED), c.get(WorkerCounters.FORWARD_FAILED),
                c.get(WorkerCounters.OUTPUT_ERRORS), c.get(WorkerCounters.KERNEL_PACKETS),
                c.get(WorkerCounters.KERNEL_DROPS), c.get(WorkerCounters.FREEZES), c.get(WorkerCounters.RESTARTS),
                c.get(WorkerCounters.ABORTED), c.get(WorkerCounters.CHAIN_SWAPS),
                c.get(WorkerCounters.SOURCE_ERRORS));
    }
}
