package io.npflua.ffm.layout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * {@code struct ethtool_gfeatures} for {@code ETHTOOL_GFEATURES}: an 8-byte header followed by {@code size} blocks of
 * {@code struct ethtool_get_features_block}, each holding 32 features; feature bit i (string i of
 * {@code ETH_SS_FEATURES}) is bit {@code i % 32} of block {@code i / 32}.
 *
 * <pre>
 * struct ethtool_gfeatures {
 *     __u32 cmd;                                   //  0  ETHTOOL_GFEATURES
 *     __u32 size;                                  //  4  in: blocks provided; out: blocks needed
 *     struct ethtool_get_features_block features[]; //  8
 * };
 *
 * struct ethtool_get_features_block {              // 16 bytes
 *     __u32 available;      //  0  changeable (hw_features)
 *     __u32 requested;      //  4  asked for by the user (wanted_features)
 *     __u32 active;         //  8  in effect now (features)
 *     __u32 never_changed;  // 12  never changeable on any device
 * };
 * </pre>
 */
public final class EthtoolGfeaturesDescriptor {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                    JAVA_INT.withName("cmd"), JAVA_INT.withName("size"))
            .withName("ethtool_gfeatures");

    public static final StructLayout BLOCK_LAYOUT = MemoryLayout.structLayout(
                    JAVA_INT.withName("available"),
                    JAVA_INT.withName("requested"),
                    JAVA_INT.withName("active"),
                    JAVA_INT.withName("never_changed"))
            .withName("ethtool_get_features_block");

    public static final long CMD_OFFSET = LAYOUT.byteOffset(groupElement("cmd"));
    public static final long SIZE_OFFSET = LAYOUT.byteOffset(groupElement("size"));
    /** Where block 0 starts. */
    public static final long FEATURES_OFFSET = LAYOUT.byteSize();

    public static final long AVAILABLE_OFFSET = BLOCK_LAYOUT.byteOffset(groupElement("available"));
    public static final long REQUESTED_OFFSET = BLOCK_LAYOUT.byteOffset(groupElement("requested"));
    public static final long ACTIVE_OFFSET = BLOCK_LAYOUT.byteOffset(groupElement("active"));
    public static final long NEVER_CHANGED_OFFSET = BLOCK_LAYOUT.byteOffset(groupElement("never_changed"));

    private EthtoolGfeaturesDescriptor() {}

    /**
     * @param blocks feature blocks.
     * @return bytes to allocate for the header and {@code blocks} blocks.
     */
    public static long sizeFor(final int blocks) {
        return FEATURES_OFFSET + blocks * BLOCK_LAYOUT.byteSize();
    }

    /**
     * @param block a block index.
     * @return the offset of that block from the start of the struct.
     */
    public static long blockOffset(final int block) {
        return FEATURES_OFFSET + block * BLOCK_LAYOUT.byteSize();
    }
}
