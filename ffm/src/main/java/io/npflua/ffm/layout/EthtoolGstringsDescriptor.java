package io.npflua.ffm.layout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * {@code struct ethtool_gstrings} for {@code ETHTOOL_GSTRINGS}: the 12-byte header is followed by {@code len} strings
 * of {@link EthtoolConstants#ETH_GSTRING_LEN} bytes each, NUL-padded. The caller learns the count first with
 * {@code ETHTOOL_GSSET_INFO} and allocates {@link #sizeFor(int)} bytes.
 *
 * <pre>
 * struct ethtool_gstrings {
 *     __u32 cmd;         //  0  ETHTOOL_GSTRINGS
 *     __u32 string_set;  //  4  e.g. ETH_SS_FEATURES
 *     __u32 len;         //  8  out: number of strings
 *     __u8  data[];      // 12  len * ETH_GSTRING_LEN bytes
 * };
 * </pre>
 */
public final class EthtoolGstringsDescriptor {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                    JAVA_INT.withName("cmd"), JAVA_INT.withName("string_set"), JAVA_INT.withName("len"))
            .withName("ethtool_gstrings");

    public static final long CMD_OFFSET = LAYOUT.byteOffset(groupElement("cmd"));
    public static final long STRING_SET_OFFSET = LAYOUT.byteOffset(groupElement("string_set"));
    public static final long LEN_OFFSET = LAYOUT.byteOffset(groupElement("len"));
    /** Where the strings start. */
    public static final long DATA_OFFSET = LAYOUT.byteSize();

    private EthtoolGstringsDescriptor() {}

    /**
     * @param count strings in the set.
     * @return bytes to allocate for the header and {@code count} strings.
     */
    public static long sizeFor(final int count) {
        return DATA_OFFSET + (long) count * EthtoolConstants.ETH_GSTRING_LEN;
    }
}
