package io.npflua.ffm.layout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * {@code struct tpacket_req}, the argument of {@code PACKET_RX_RING}/{@code PACKET_TX_RING} for TPACKET_V2 (16 bytes).
 *
 * <pre>
 * struct tpacket_req {
 *     unsigned int tp_block_size; //  0
 *     unsigned int tp_block_nr;   //  4
 *     unsigned int tp_frame_size; //  8
 *     unsigned int tp_frame_nr;   // 12
 * };
 * </pre>
 */
public final class TpacketReqDescriptor {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                    JAVA_INT.withName("tp_block_size"),
                    JAVA_INT.withName("tp_block_nr"),
                    JAVA_INT.withName("tp_frame_size"),
                    JAVA_INT.withName("tp_frame_nr"))
            .withName("tpacket_req");

    public static final long BLOCK_SIZE_OFFSET = LAYOUT.byteOffset(groupElement("tp_block_size"));
    public static final long BLOCK_NR_OFFSET = LAYOUT.byteOffset(groupElement("tp_block_nr"));
    public static final long FRAME_SIZE_OFFSET = LAYOUT.byteOffset(groupElement("tp_frame_size"));
    public static final long FRAME_NR_OFFSET = LAYOUT.byteOffset(groupElement("tp_frame_nr"));

    private TpacketReqDescriptor() {}
}
