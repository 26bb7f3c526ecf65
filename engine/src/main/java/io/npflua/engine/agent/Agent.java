package io.npflua.engine.agent;

/**
 * Something a thread runs as a duty cycle, on the model of Agrona's {@code Agent}: an {@link AgentRunner} owns the
 * thread, the idle strategy, error reports and restarts; the agent only works.
 *
 * <p>{@link #doWork()} is called in a loop and returns how much work it did (0 lets the runner idle). It ends the
 * agent's life normally by throwing {@link AgentTerminationException} (its input is exhausted); anything else it
 * throws is a death that the runner counts, reports and may answer with a restart on a fresh thread, after which
 * {@code doWork} is called again on the same agent.
 */
public interface Agent {
    /** Called once, on the agent's first thread, before the first {@link #doWork()}. */
    default void onStart() {}

    /** One duty cycle; returns the work done (0: nothing to do, the runner may idle). */
    int doWork();

    /**
     * Called once, on the agent's last thread, after the last {@link #doWork()}: release what the agent owns.
     *
     * @param failed true when the runner gave up after repeated deaths (skip work that would fail again)
     */
    default void onClose(boolean failed) {}

    /** The thread name, e.g. {@code npflua-worker-0}. */
    String roleName();
}
