package io.npflua.ffm.sys;

/**
 * A failed Linux system call: which call, the {@code errno} it left, and a message a person can act on.
 *
 * <p>Instances are made in exactly one place, {@link Errno#exception(String, int, String)}, which turns the errno
 * into text ({@code strerror}) and adds advice for the errors an operator can fix (permissions, missing interface,
 * ring too large).
 */
public final class ErrnoException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    ErrnoException(final String call, final int errno, final String message)
    {
        super(message);
        this.call = call;
        this.errno = errno;
    }

    /**
     * @return the failed call as written in the message, e.g. {@code setsockopt(PACKET_RX_RING)}.
     */
    public String call()
    {
        return call;
    }

    /**
     * @return the Linux errno value, e.g. {@link Errno#ENOMEM}.
     */
    public int errno()
    {
        return errno;
    }
}
