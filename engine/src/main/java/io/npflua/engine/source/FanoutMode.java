package io.npflua.engine.source;

/**
 * How the kernel spreads one interface's frames over the workers' sockets (PACKET_FANOUT). The live source factory
 * maps these to the kernel's constants; in-memory sources ignore them.
 */
public enum FanoutMode {
    /** By flow hash: both directions of a flow land on one worker (the default). */
    HASH,
    /** Round robin. */
    LB,
    /** By the CPU that received the frame. */
    CPU,
    /** By the NIC's receive queue. */
    QM,
    /** Fill one socket, move on when it is full. */
    ROLLOVER,
    /** Random. */
    RND;

    /** Parses {@code hash|lb|cpu|qm|rollover|rnd} (any case); throws with the accepted names otherwise. */
    public static FanoutMode parse(String text) {
        for (FanoutMode mode : values()) {
            if (mode.name().equalsIgnoreCase(text)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown fanout mode '" + text + "': use hash, lb, cpu, qm, rollover or rnd");
    }
}
