package io.npflua.engine;

/**
 * The engine cannot start or do what was asked: an interface is missing, a script is rejected, the configuration is
 * inconsistent. The message says what failed and what to do.
 */
public final class EngineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The rule the failure belongs to, or null. */
    private final String rule;

    /** With the message to show. */
    public EngineException(String message) {
        this(message, null);
    }

    /** With the message to show and its cause. */
    public EngineException(String message, Throwable cause) {
        this(null, message, cause);
    }

    /** A failure of rule {@code rule} (e.g. its script was rejected), with the message to show and its cause. */
    public EngineException(String rule, String message, Throwable cause) {
        super(message, cause);
        this.rule = rule;
    }

    /** The name of the rule this failure belongs to, or null when it is not a rule's. */
    public String rule() {
        return rule;
    }
}
