package io.npflua.ffm.sys;

/**
 * Linux errno values used by npflua and the one place that turns a failed call into an {@link ErrnoException}.
 *
 * <p>Message format (Netty style): {@code <call> failed: <strerror>[ (<context>)][: <advice>]}, for example
 * {@code setsockopt(PACKET_RX_RING) failed: Cannot allocate memory (block 4 MiB x 64): try a smaller ring
 * (--ring-size) or fewer blocks}.
 */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ENOPROTOOPT = 92;
    public static final int EPROTONOSUPPORT = 93;
    public static final int EAFNOSUPPORT = 97;
    public static final int EADDRINUSE = 98;
    public static final int ENETDOWN = 100;
    public static final int ENXIO = 6;
    public static final int EMSGSIZE = 90;
    public static final int ENOBUFS = 105;
    public static final int EOPNOTSUPP = 95;

    private Errno() {}

    /**
     * Builds the exception for a failed call. This is the only place in npflua where errno becomes an exception.
     *
     * @param operation what the call was doing: it chooses the advice.
     * @param call      the call as a person reads it, e.g. {@code bind(eth0)} or {@code setsockopt(PACKET_RX_RING)}.
     * @param errno     the errno captured right after the call.
     * @param context   what was asked for, e.g. {@code block 4 MiB x 64}, or {@code null}; for ENODEV it is taken as
     *                  the interface name.
     * @return the exception to throw.
     */
    public static ErrnoException exception(
            final Operation operation, final String call, final int errno, final String context) {
        final StringBuilder message =
                new StringBuilder(96).append(call).append(" failed: ").append(describe(errno));
        final String advice = operation.advice(errno, context);
        if (context != null && !context.isEmpty() && errno != ENODEV) {
            message.append(" (").append(context).append(')');
        }
        if (advice != null) {
            message.append(": ").append(advice);
        }
        return new ErrnoException(operation, call, errno, message.toString());
    }

    /**
     * True for the errnos that mean "not now": the call may succeed if tried again (EAGAIN/EWOULDBLOCK, EINTR, and
     * ENOBUFS, which a packet socket returns when the device queue is full). The one place that decides it, as
     * Netty's {@code Errors.ioResult} does.
     *
     * @param errno a Linux errno value.
     * @return whether the caller should treat the failure as "nothing done, try later".
     */
    public static boolean retryable(final int errno) {
        return errno == EAGAIN || errno == EINTR || errno == ENOBUFS;
    }

    /**
     * The result of a call that may be retried: {@code result} when it is not negative, 0 when this thread's errno is
     * {@link #retryable}, and otherwise the exception for it.
     *
     * @param result    the C result.
     * @param operation what the call was doing.
     * @param call      the call as a person reads it.
     * @param context   what was asked for, or {@code null}.
     * @return {@code result}, or 0 for "try again".
     */
    public static long ioResult(final long result, final Operation operation, final String call, final String context) {
        if (result >= 0) {
            return result;
        }
        final int errno = Syscalls.errno();
        if (retryable(errno)) {
            return 0;
        }
        throw exception(operation, call, errno, context);
    }

    /**
     * @param errno a Linux errno value.
     * @return the C library's text for it ({@code strerror}), e.g. {@code Cannot allocate memory}.
     */
    public static String describe(final int errno) {
        return Syscalls.strerror(errno);
    }
}
