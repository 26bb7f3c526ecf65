package io.npflua.ffm.socket;

/**
 * Totals of a socket's PACKET_STATISTICS since it was opened. The kernel clears its counters on every read, so the
 * socket accumulates them; {@code packets} counts every packet that reached the socket, drops included (as the
 * kernel's {@code tp_packets}).
 *
 * @param packets packets that reached the socket, including {@code drops}.
 * @param drops   packets dropped because the ring was full (or other socket-level drops).
 * @param freezes times the V3 queue froze because the next block was still held by user space (0 for V2).
 */
public record PacketStatistics(long packets, long drops, long freezes) {
    /** @return packets that were put into the ring: {@code packets - drops}. */
    public long delivered() {
        return packets - drops;
    }
}
