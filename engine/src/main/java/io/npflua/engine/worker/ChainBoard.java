package io.npflua.engine.worker;

/**
 * Where the engine publishes chain versions for its workers. A version holds one fully built {@link RuleChain} per
 * worker; a worker reads the board once per duty cycle (one volatile load) and, when the version changed, adopts its
 * chain between two frames. Publishing is the control thread's job and never blocks a worker.
 */
public final class ChainBoard {
    /** One published version: {@code chains[i]} belongs to worker {@code i}. */
    public record Version(long number, RuleChain[] chains) {}

    private volatile Version current;

    /** A board whose version 0 is {@code initial}. */
    public ChainBoard(RuleChain[] initial) {
        current = new Version(0, initial.clone());
    }

    /** Publishes {@code chains} as the next version and returns its number. The caller serializes publishers. */
    public long publish(RuleChain[] chains) {
        long next = current.number() + 1;
        current = new Version(next, chains.clone());
        return next;
    }

    /** The latest version (volatile read). */
    public Version current() {
        return current;
    }
}
