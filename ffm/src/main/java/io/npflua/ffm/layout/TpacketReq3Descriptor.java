package io.npflua.ffm.layout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * {@code struct tpacket_req3}, the argument of {@code PACKET_RX_RING} for TPACKET_V3 (28 bytes).
 *
 * <pre>
 * struct tpacket_req3 {
 *     unsigned int tp_block_size;       //  0  multiple of the page size
 *     unsigned int tp_block_nr;         //  4
 *     unsigned int tp_frame_size;       //  8
 *     unsigned int tp_frame_nr;         // 12  block_nr * (block_size / frame_size)
 *     unsigned int tp_retire_blk_tov;   // 16  block timeout, ms
 *     unsigned int tp_sizeof_priv;      // 20
 *     unsigned int tp_feature_req_word; // 24
 * };
 * </pre>
 */
public final class TpacketReq3Descriptor {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                    JAVA_INT.withName("tp_block_size"),
                    JAVA_INT.withName("tp_block_nr"),
                    JAVA_INT.withName("tp_frame_size"),
                    JAVA_INT.withName("tp_frame_nr"),
                    JAVA_INT.withName("tp_retire_blk_tov"),
                    JAVA_INT.withName("tp_sizeof_priv"),
                    JAVA_INT.withName("tp_feature_req_word"))
            .withName("tpacket_req3");

    public static final long BLOCK_SIZE_OFFSET = LAYOUT.byteOffset(groupElement("tp_block_size"));
    public static final long BLOCK_NR_OFFSET = LAYOUT.byteOffset(groupElement("tp_block_nr"));
    public static final long FRAME_SIZE_OFFSET = LAYOUT.byteOffset(groupElement("tp_frame_size"));
    public static final long FRAME_NR_OFFSET = LAYOUT.byteOffset(groupElement("tp_frame_nr"));
    public static final long RETIRE_BLK_TOV_OFFSET = LAYOUT.byteOffset(groupElement("tp_retire_blk_tov"));
    public static final long SIZEOF_PRIV_OFFSET = LAYOUT.byteOffset(groupElement("tp_sizeof_priv"));
    public static final long FEATURE_REQ_WORD_OFFSET = LAYOUT.byteOffset(groupElement("tp_feature_req_word"));

    private TpacketReq3Descriptor() {}
}
