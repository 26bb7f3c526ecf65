package io.npflua.ffm.layout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * The head of every TPACKET_V3 block: {@code struct tpacket_block_desc} with its {@code struct tpacket_hdr_v1}
 * (48 bytes). The block belongs to user space while {@code block_status} has TP_STATUS_USER; user space gives it back
 * by storing TP_STATUS_KERNEL there.
 *
 * <pre>
 * struct tpacket_block_desc {
 *     __u32 version;                      //  0
 *     __u32 offset_to_priv;               //  4
 *     struct tpacket_hdr_v1 {
 *         __u32 block_status;             //  8
 *         __u32 num_pkts;                 // 12
 *         __u32 offset_to_first_pkt;      // 16  from the start of the block
 *         __u32 blk_len;                  // 20
 *         __aligned_u64 seq_num;          // 24
 *         struct tpacket_bd_ts ts_first;  // 32  { sec, usec|nsec }
 *         struct tpacket_bd_ts ts_last;   // 40
 *     } bh1;
 * };
 * </pre>
 */
public final class BlockDescriptor {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                    JAVA_INT.withName("version"),
                    JAVA_INT.withName("offset_to_priv"),
                    JAVA_INT.withName("block_status"),
                    JAVA_INT.withName("num_pkts"),
                    JAVA_INT.withName("offset_to_first_pkt"),
                    JAVA_INT.withName("blk_len"),
                    JAVA_LONG.withName("seq_num"),
                    JAVA_INT.withName("ts_first_sec"),
                    JAVA_INT.withName("ts_first_nsec"),
                    JAVA_INT.withName("ts_last_sec"),
                    JAVA_INT.withName("ts_last_nsec"))
            .withName("tpacket_block_desc");

    public static final long VERSION_OFFSET = LAYOUT.byteOffset(groupElement("version"));
    public static final long OFFSET_TO_PRIV_OFFSET = LAYOUT.byteOffset(groupElement("offset_to_priv"));
    public static final long BLOCK_STATUS_OFFSET = LAYOUT.byteOffset(groupElement("block_status"));
    public static final long NUM_PKTS_OFFSET = LAYOUT.byteOffset(groupElement("num_pkts"));
    public static final long OFFSET_TO_FIRST_PKT_OFFSET = LAYOUT.byteOffset(groupElement("offset_to_first_pkt"));
    public static final long BLK_LEN_OFFSET = LAYOUT.byteOffset(groupElement("blk_len"));
    public static final long SEQ_NUM_OFFSET = LAYOUT.byteOffset(groupElement("seq_num"));
    public static final long TS_FIRST_OFFSET = LAYOUT.byteOffset(groupElement("ts_first_sec"));
    public static final long TS_LAST_OFFSET = LAYOUT.byteOffset(groupElement("ts_last_sec"));

    private BlockDescriptor() {}
}
