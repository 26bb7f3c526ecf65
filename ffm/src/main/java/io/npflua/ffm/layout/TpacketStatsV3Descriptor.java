package io.npflua.ffm.layout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * {@code struct tpacket_stats_v3}, read with {@code getsockopt(PACKET_STATISTICS)} (12 bytes; V2 sockets fill only the
 * first two fields). The kernel clears the counters on every read, and {@code tp_packets} already includes
 * {@code tp_drops}.
 *
 * <pre>
 * struct tpacket_stats_v3 {
 *     unsigned int tp_packets;      // 0  seen by the socket, drops included
 *     unsigned int tp_drops;        // 4
 *     unsigned int tp_freeze_q_cnt; // 8  times the queue froze (next block still user-owned)
 * };
 * </pre>
 */
public final class TpacketStatsV3Descriptor {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                    JAVA_INT.withName("tp_packets"),
                    JAVA_INT.withName("tp_drops"),
                    JAVA_INT.withName("tp_freeze_q_cnt"))
            .withName("tpacket_stats_v3");

    public static final long PACKETS_OFFSET = LAYOUT.byteOffset(groupElement("tp_packets"));
    public static final long DROPS_OFFSET = LAYOUT.byteOffset(groupElement("tp_drops"));
    public static final long FREEZE_Q_CNT_OFFSET = LAYOUT.byteOffset(groupElement("tp_freeze_q_cnt"));

    private TpacketStatsV3Descriptor() {}
}
