package io.npflua.engine.control;

/**
 * The engine answered a control request with an error, or the socket failed. {@link #code()} is the protocol's
 * error code ({@code rejected}, {@code malformed}, {@code denied}, ...; {@code io} for a local socket failure).
 */
public final class ControlException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String code;

    /** An error with its protocol code and message. */
    public ControlException(String code, String message) {
        super(message);
        this.code = code;
    }

    /** An error with its protocol code, message and cause. */
    public ControlException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** The protocol error code. */
    public String code() {
        return code;
    }
}
