package io.npflua.ffm.layout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * {@code struct ethtool_sfeatures} for {@code ETHTOOL_SFEATURES}: an 8-byte header followed by {@code size} blocks of
 * {@code struct ethtool_set_features_block}. Only the bits set in {@code valid} change; each becomes the matching bit
 * of {@code requested}. The kernel records the request (wanted_features) and recomputes the active set, which may
 * differ where features depend on each other (no TX checksum means no TSO); the ioctl then returns
 * {@link EthtoolConstants#ETHTOOL_F_WISH}.
 *
 * <pre>
 * struct ethtool_sfeatures {
 *     __u32 cmd;                                    //  0  ETHTOOL_SFEATURES
 *     __u32 size;                                   //  4  blocks provided; must cover every feature
 *     struct ethtool_set_features_block features[]; //  8
 * };
 *
 * struct ethtool_set_features_block {               //  8 bytes
 *     __u32 valid;      //  0  bits to change
 *     __u32 requested;  //  4  their new values
 * };
 * </pre>
 */
public final class EthtoolSfeaturesDescriptor {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                    JAVA_INT.withName("cmd"), JAVA_INT.withName("size"))
            .withName("ethtool_sfeatures");

    public static final StructLayout BLOCK_LAYOUT = MemoryLayout.structLayout(
                    JAVA_INT.withName("valid"), JAVA_INT.withName("requested"))
            .withName("ethtool_set_features_block");

    public static final long CMD_OFFSET = LAYOUT.byteOffset(groupElement("cmd"));
    public static final long SIZE_OFFSET = LAYOUT.byteOffset(groupElement("size"));
    /** Where block 0 starts. */
    public static final long FEATURES_OFFSET = LAYOUT.byteSize();

    public static final long VALID_OFFSET = BLOCK_LAYOUT.byteOffset(groupElement("valid"));
    public static final long REQUESTED_OFFSET = BLOCK_LAYOUT.byteOffset(groupElement("requested"));

    private EthtoolSfeaturesDescriptor() {}

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
