package io.npflua.ffm.layout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * {@code struct ifreq} (40 bytes on x86-64): the interface name, then a union of which npflua uses the flags
 * ({@code SIOCGIFFLAGS}) and the data pointer ({@code SIOCETHTOOL}, pointing at an ethtool command struct).
 *
 * <pre>
 * struct ifreq {
 *     char ifr_name[16];       //  0  IFNAMSIZ
 *     union {                  // 16  24 bytes (largest member: struct ifmap)
 *         short  ifr_flags;    // 16
 *         void  *ifr_data;     // 16
 *         ...
 *     };
 * };
 * </pre>
 */
public final class IfreqDescriptor {
    /** IFNAMSIZ, including the terminating NUL: names have at most 15 characters. */
    public static final int IFNAMSIZ = 16;

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                    MemoryLayout.sequenceLayout(IFNAMSIZ, JAVA_BYTE).withName("ifr_name"),
                    MemoryLayout.unionLayout(
                                    JAVA_SHORT.withName("ifr_flags"),
                                    ADDRESS.withName("ifr_data"),
                                    MemoryLayout.paddingLayout(24))
                            .withName("ifr_ifru"))
            .withName("ifreq");

    public static final long NAME_OFFSET = LAYOUT.byteOffset(groupElement("ifr_name"));
    public static final long FLAGS_OFFSET = LAYOUT.byteOffset(groupElement("ifr_ifru"), groupElement("ifr_flags"));
    public static final long DATA_OFFSET = LAYOUT.byteOffset(groupElement("ifr_ifru"), groupElement("ifr_data"));

    private IfreqDescriptor() {}
}
