package io.npflua.ffm.socket;

/**
 * What {@link PacketSocket#await(int)} saw.
 */
public enum WaitResult {
    /** Frames are ready in the RX ring. */
    READY,
    /** Nothing happened within the timeout. */
    TIMEOUT,
    /** {@link PacketSocket#wakeup()} was called. */
    WAKEUP,
    /** The interface went down (ENETDOWN); the socket resumes by itself when it comes back up. */
    INTERFACE_DOWN,
    /** The interface was deleted: the socket receives nothing any more; reopen it when the interface exists again. */
    INTERFACE_GONE,
    /** Another socket error; see {@link PacketSocket#lastError()}. */
    ERROR
}
