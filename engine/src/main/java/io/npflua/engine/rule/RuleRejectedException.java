package io.npflua.engine.rule;

/**
 * A rule could not be loaded: the script failed to compile, its top-level chunk raised an error, its entry function
 * is missing, or the name is taken. The message is the text to show the user (e.g. {@code ssh.lua:3: ...}).
 * When this is thrown the running chain is unchanged.
 */
public final class RuleRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    /** A rejection with the message to show. */
    public RuleRejectedException(String message) {
        super(message);
    }

    /** A rejection with the message to show and its cause. */
    public RuleRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
