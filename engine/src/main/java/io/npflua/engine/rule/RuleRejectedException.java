package io.npflua.engine.rule;

/**
 * A rule could not be loaded: the script failed to compile, its top-level chunk raised an error, its entry function
 * is missing, or the name is taken. The message is the text to show the user (e.g. {@code ssh.lua:3: ...}).
 * When this is thrown the running chain is unchanged.
 *
 * <p>A rejection of a script's source also carries, as fields, the line it points at and the detail without
 * position, so that a tool that knows the script's file prints {@code file:line: detail} without parsing the message.
 */
public final class RuleRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int line;
    private final String detail;

    /** A rejection with the message to show. */
    public RuleRejectedException(String message) {
        this(message, null);
    }

    /** A rejection with the message to show and its cause. */
    public RuleRejectedException(String message, Throwable cause) {
        this(0, message, message, cause);
    }

    /**
     * A rejection of a script's source at {@code line} (0 = none).
     *
     * @param detail what is wrong, without the position
     * @param message the whole text to show
     */
    public RuleRejectedException(int line, String detail, String message, Throwable cause) {
        super(message, cause);
        this.line = line;
        this.detail = detail;
    }

    /** The script line the rejection points at, or 0 when it has none. */
    public int line() {
        return line;
    }

    /** What is wrong, without the position (the whole message when there is no position). */
    public String detail() {
        return detail;
    }
}
