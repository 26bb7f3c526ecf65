package io.npflua.engine.agent;

/**
 * What a worker does when a duty cycle found no work: Agrona-style, {@link #idle(int)} is called after every cycle
 * with the work count, and backs off only when it is zero.
 */
public interface IdleStrategy {
    /** Called after each duty cycle; backs off when {@code workCount} is 0, resets otherwise. Allocates nothing. */
    void idle(int workCount);

    /** Forgets the back-off state. */
    void reset();
}
