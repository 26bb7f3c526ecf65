package io.npflua.ffm.socket;

/**
 * Flags of a PACKET_FANOUT group, or-ed with the mode.
 */
public enum FanoutFlag {
    /** Fall over to another socket when this one's ring is full. */
    ROLLOVER(0x1000),
    /** Let the kernel pick a free group id (the id given must be 0). */
    UNIQUEID(0x2000),
    /** Do not deliver frames this host sends (Linux 6.2+); the per-socket option is ignored inside a group. */
    IGNORE_OUTGOING(0x4000),
    /** Reassemble IP fragments before spreading, so fragments of one datagram meet in one socket. */
    DEFRAG(0x8000);

    private final int kernelValue;

    FanoutFlag(final int kernelValue) {
        this.kernelValue = kernelValue;
    }

    /** @return PACKET_FANOUT_FLAG_* value. */
    public int kernelValue() {
        return kernelValue;
    }
}
