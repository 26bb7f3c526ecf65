package io.npflua.ffm.socket;

/**
 * How the kernel spreads packets over the sockets of a PACKET_FANOUT group.
 */
public enum FanoutMode
{
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

    FanoutMode(final int kernelValue)
    {
        this.kernelValue = kernelValue;
    }

    /** @return PACKET_FANOUT_* value. */
    public int kernelValue()
    {
        return kernelValue;
    }
}
