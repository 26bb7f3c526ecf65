package io.npflua.engine.source;

/**
 * A mutable holder for the kernel's view of one source since the previous read: packets the kernel counted for the
 * socket (including the ones it dropped), packets it dropped, and how often the queue froze because user space held
 * every block. Filled by {@link FrameSource#readStats(SourceStats)}; one instance is reused per worker.
 *
 * <p>These are deltas because {@code PACKET_STATISTICS} is cleared on read; {@code tp_packets} includes
 * {@code tp_drops}.
 */
public final class SourceStats {
    private long packets;
    private long drops;
    private long freezes;

    /** Clears all three values. */
    public SourceStats clear() {
        packets = 0;
        drops = 0;
        freezes = 0;
        return this;
    }

    /** Adds a delta. {@code packets} includes {@code drops}, as in the kernel's counter. */
    public void add(long packets, long drops, long freezes) {
        this.packets += packets;
        this.drops += drops;
        this.freezes += freezes;
    }

    /** Packets counted by the kernel, including drops. */
    public long packets() {
        return packets;
    }

    /** Packets dropped by the kernel (ring full or frozen). */
    public long drops() {
        return drops;
    }

    /** Times the queue froze (TPACKET_V3 {@code tp_freeze_q_cnt}). */
    public long freezes() {
        return freezes;
    }
}
