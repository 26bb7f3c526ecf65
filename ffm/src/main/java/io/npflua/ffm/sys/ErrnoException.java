package io.npflua.ffm.sys;

/**
 * A failed Linux system call: which call, the {@code errno} it left, and a message a person can act on.
 *
 * <p>Instances are made in exactly one place, {@link Errno#exception(Operation, String, int, String)}, which turns the errno
 * into text ({@code strerror}) and adds advice for the errors an operator can fix (permissions, missing interface,
 * ring too large).
 */
public final class ErrnoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Operation operation;
    private final String call;
    private final int errno;

    ErrnoException(final Operation operation, final String call, final int errno, final String message) {
        super(message);
        this.operation = operation;
        this.call = call;
        this.errno = errno;
    }

    /**
     * @return what the failed call was doing.
     */
    public Operation operation() {
        return operation;
    }

    /**
     * @return true when the call failed for want of privilege (EPERM, EACCES): the caller needs root or CAP_NET_RAW.
     */
    public boolean privilegeDenied() {
        return errno == Errno.EPERM || errno == Errno.EACCES;
    }

    /**
     * @return true when the interface does not exist (ENODEV, ENXIO).
     */
    public boolean noSuchInterface() {
        return errno == Errno.ENODEV || errno == Errno.ENXIO;
    }

    /**
     * @return the failed call as written in the message, e.g. {@code setsockopt(PACKET_RX_RING)}.
     */
    public String call() {
        return call;
    }

    /**
     * @return the Linux errno value, e.g. {@link Errno#ENOMEM}.
     */
    public int errno() {
        return errno;
    }
}
