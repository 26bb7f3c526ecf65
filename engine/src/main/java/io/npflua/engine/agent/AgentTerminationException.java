package io.npflua.engine.agent;

/**
 * Thrown by {@link Agent#doWork()} to end the agent normally (its input is exhausted): the runner closes it and
 * reports it {@link AgentRunner.State#ENDED}. Not an error; thrown once per agent at most.
 */
public final class AgentTerminationException extends RuntimeException {
    /** Without message or stack trace: it carries no information but its type. */
    public AgentTerminationException() {
        super(null, null, false, false);
    }
}
