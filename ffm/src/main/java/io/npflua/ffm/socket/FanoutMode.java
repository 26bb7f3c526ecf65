package io.npflua.ffm.socket;

/**
 * How the kernel spreads packets over the sockets of a PACKET_FANOUT group (and so one interface's frames over the
 * engine's workers; in-memory and file sources ignore it).
 */
public enum FanoutMode {
    /** By flow hash: a flow always reaches the same socket. */
    HASH(0),
    /** Round robin. */
    LB(1),
    /** By the CPU that received the packet. */
    CPU(2),
    /** Fill one socket, move to the next when it is full. */
    ROLLOVER(3),
    /** Random. */
    RND(4),
    /** By the recorded receive queue. */
    QM(5);

    private final int kernelValue;

    FanoutMode(final int kernelValue) {
        this.kernelValue = kernelValue;
    }

    /** @return PACKET_FANOUT_* value. */
    public int kernelValue() {
        return kernelValue;
    }

    /**
     * Parses {@code hash|lb|cpu|rollover|rnd|qm} in any case (the command line's and the config file's words).
     *
     * @param text the mode's name.
     * @return the mode.
     * @throws IllegalArgumentException naming the accepted words otherwise.
     */
    public static FanoutMode parse(final String text) {
        for (final FanoutMode mode : values()) {
            if (mode.name().equalsIgnoreCase(text)) {
                return mode;
            }
        }
        throw new IllegalArgumentException(
                "unknown fanout mode '" + text + "': use hash, lb, cpu, qm, rollover or rnd");
    }
}
