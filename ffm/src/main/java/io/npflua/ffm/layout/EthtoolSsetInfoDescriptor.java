package io.npflua.ffm.layout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * {@code struct ethtool_sset_info} for {@code ETHTOOL_GSSET_INFO}, with room for the size of one string set (the
 * kernel's struct is 16 bytes and ends in a flexible array; this layout is 24 with one element and tail padding).
 *
 * <pre>
 * struct ethtool_sset_info {
 *     __u32 cmd;        //  0  ETHTOOL_GSSET_INFO
 *     __u32 reserved;   //  4
 *     __u64 sset_mask;  //  8  in: sets asked for (bit = set id); out: those the device supports
 *     __u32 data[];     // 16  out: the size of each supported set asked for, in set-id order
 * };
 * </pre>
 */
public final class EthtoolSsetInfoDescriptor {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                    JAVA_INT.withName("cmd"),
                    JAVA_INT.withName("reserved"),
                    JAVA_LONG.withName("sset_mask"),
                    JAVA_INT.withName("data0"),
                    MemoryLayout.paddingLayout(4))
            .withName("ethtool_sset_info");

    public static final long CMD_OFFSET = LAYOUT.byteOffset(groupElement("cmd"));
    public static final long RESERVED_OFFSET = LAYOUT.byteOffset(groupElement("reserved"));
    public static final long SSET_MASK_OFFSET = LAYOUT.byteOffset(groupElement("sset_mask"));
    public static final long DATA_OFFSET = LAYOUT.byteOffset(groupElement("data0"));

    private EthtoolSsetInfoDescriptor() {}
}
