package io.npflua.ffm.sys;

/**
 * What a failed system call was doing, named by its caller: the advice an operator gets for an errno depends on it
 * (ENOMEM from a ring request means "a smaller ring", from anything else "out of memory"). The caller knows what it
 * was doing; the message text is never searched for it.
 */
public enum Operation {
    /** Creating the AF_PACKET socket. */
    SOCKET,
    /** Any socket option without advice of its own (version, reserve, loss, bypass, ignore-outgoing, statistics). */
    SOCKET_OPTION,
    /** Requesting an RX or TX ring (setsockopt PACKET_RX_RING / PACKET_TX_RING). */
    RING,
    /** Mapping the rings into memory. */
    MAP,
    /** Joining a fanout group (setsockopt PACKET_FANOUT). */
    FANOUT,
    /** Attaching a classic BPF filter. */
    FILTER,
    /** Binding the socket to an interface. */
    BIND,
    /** Joining a multicast/promiscuous membership. */
    MEMBERSHIP,
    /** Looking an interface up by name. */
    INTERFACE,
    /** Waiting for frames (poll). */
    POLL,
    /** Sending (send, sendto). */
    SEND,
    /** Reading or changing an interface's offload features (the ethtool ioctl, SIOCETHTOOL). */
    OFFLOAD,
    /** Anything else (eventfd, ioctl, ...). */
    OTHER;

    /**
     * Advice for {@code errno} during this operation, or {@code null} when there is nothing to add to strerror.
     *
     * @param errno   a Linux errno value.
     * @param context what was asked for, e.g. the interface name for {@link #INTERFACE} and {@link #BIND}.
     * @return the advice, or {@code null}.
     */
    String advice(final int errno, final String context) {
        return switch (errno) {
            case Errno.EPERM, Errno.EACCES ->
                this == OFFLOAD
                        ? "changing offload features needs root or CAP_NET_ADMIN (run as root, grant it with setcap cap_net_raw,cap_net_admin+ep"
                                + " on the java binary, or leave the interface's offloads as they are)"
                        : "needs root or CAP_NET_RAW (run as root, or grant it: setcap cap_net_raw,cap_net_admin+ep on the java binary)";
            case Errno.ENODEV, Errno.ENXIO ->
                "no such interface: " + (context == null ? "?" : context) + " (list them with `ip link`)";
            case Errno.ENOMEM ->
                this == RING || this == MAP
                        ? "the kernel could not allocate the ring; try a smaller ring (--ring-size), smaller blocks or fewer of them"
                        : "out of memory";
            case Errno.EBUSY ->
                this == SOCKET_OPTION || this == RING || this == FANOUT || this == FILTER
                        ? "this option must be set before the ring is created (socket setup order)"
                        : null;
            case Errno.EINVAL ->
                switch (this) {
                    case FANOUT ->
                        "the fanout group exists with another mode, flags or interface, or the kernel lacks a flag (ignore-outgoing needs Linux 6.2)";
                    case RING -> "the kernel rejected the ring geometry";
                    default -> null;
                };
            case Errno.ENETDOWN -> "the interface is down (ip link set IFACE up)";
            case Errno.ENOPROTOOPT -> "this kernel does not support the option";
            case Errno.EAFNOSUPPORT -> "AF_PACKET sockets are not available in this kernel";
            case Errno.EOPNOTSUPP ->
                this == OFFLOAD ? "the interface's driver does not support this ethtool command" : null;
            default -> null;
        };
    }
}
