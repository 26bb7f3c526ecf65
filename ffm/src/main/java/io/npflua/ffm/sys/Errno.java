package io.npflua.ffm.sys;

/**
 * Linux errno values used by npflua and the one place that turns a failed call into an {@link ErrnoException}.
 *
 * <p>Message format (Netty style): {@code <call> failed: <strerror>[ (<context>)][: <advice>]}, for example
 * {@code setsockopt(PACKET_RX_RING) failed: Cannot allocate memory (block 4 MiB x 64): try a smaller ring
 * (--ring-size) or fewer blocks}.
 */
public final class Errno
{
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

    private Errno()
    {
    }

    /**
     * Builds the exception for a failed call. This is the only place in npflua where errno becomes an exception.
     *
     * @param call    the call as a person reads it, e.g. {@code bind(eth0)} or {@code setsockopt(PACKET_RX_RING)}.
     * @param errno   the errno captured right after the call.
     * @param context what was asked for, e.g. {@code block 4 MiB x 64}, or {@code null}; for ENODEV it is taken as
     *                the interface name.
     * @return the exception to throw.
     */
    public static ErrnoException exception(final String call, final int errno, final String context)
    {
        final StringBuilder message = new StringBuilder(96).append(call).append(" failed: ").append(describe(errno));
        final String advice = advice(call, errno, context);
        if (context != null && !context.isEmpty() && errno != ENODEV)
        {
            message.append(" (").append(context).append(')');
        }
        if (advice != null)
        {
            message.append(": ").append(advice);
        }
        return new ErrnoException(call, errno, message.toString());
    }

    /**
     * @param errno a Linux errno value.
     * @return the C library's text for it ({@code strerror}), e.g. {@code Cannot allocate memory}.
     */
    public static String describe(final int errno)
    {
        return Syscalls.strerror(errno);
    }

    private static String advice(final String call, final int errno, final String context)
    {
        switch (errno)
        {
            case EPERM, EACCES ->
            {
                return "needs root or CAP_NET_RAW (run as root, or grant it: setcap cap_net_raw,cap_net_admin+ep on the java binary)";
            }
            case ENODEV, ENXIO ->
            {
                return "no such interface: " + (context == null ? "?" : context) + " (list them with `ip link`)";
            }
            case ENOMEM ->
            {
                if (call.contains("RING") || call.startsWith("mmap"))
                {
                    return "the kernel could not allocate the ring; try a smaller ring (--ring-size), smaller blocks or fewer of them";
                }
                return "out of memory";
            }
            case EBUSY ->
            {
                if (call.startsWith("setsockopt"))
                {
                    return "this option must be set before the ring is created (socket setup order)";
                }
                return null;
            }
            case EINVAL ->
            {
                if (call.contains("PACKET_FANOUT"))
                {
                    return "the fanout group exists with another mode, flags or interface, or the kernel lacks a flag (ignore-outgoing needs Linux 6.2)";
                }
                if (call.contains("RING"))
                {
                    return "the kernel rejected the ring geometry";
                }
                return null;
            }
            case ENETDOWN ->
            {
                return "the interface is down (ip link set IFACE up)";
            }
            case ENOPROTOOPT ->
            {
                return "this kernel does not support the option";
            }
            case EAFNOSUPPORT ->
            {
                return "AF_PACKET sockets are not available in this kernel";
            }
            default ->
            {
                return null;
            }
        }
    }
}
