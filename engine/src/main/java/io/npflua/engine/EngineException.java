package io.npflua.engine;

/**
 * The engine cannot start or do what was asked: an interface is missing, a script is rejected, the configuration is
 * inconsistent. The message says what failed and what to do.
 */
public final class EngineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With the message to show. */
    public EngineException(String message) {
        super(message);
    }

    /** With the message to show and its cause. */
    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
