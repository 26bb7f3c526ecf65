package io.npflua.engine.source;

/**
 * Thrown by {@link FrameSource#poll} when the source can never deliver again (its interface was deleted; ENODEV or
 * ENXIO on the socket). The worker reports it, stops polling that source and, once none of its sources is left,
 * stops cleanly instead of restarting. An interface that is merely down is not gone: the source returns 0 until it
 * comes back up (the same socket resumes).
 */
public final class SourceGoneException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With a message naming the source and why, e.g. {@code "interface veth3 was deleted"}. */
    public SourceGoneException(String message) {
        super(message);
    }

    /** With a message and the underlying error. */
    public SourceGoneException(String message, Throwable cause) {
        super(message, cause);
    }
}
