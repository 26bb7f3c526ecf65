package io.npflua.ffm.layout;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * {@code struct ifreq} (40 bytes) as used by {@code SIOCGIFFLAGS}: the name, then the flags in the union.
 *
 * <pre>
 * struct ifreq {
 *     char ifr_name[16];   //  0  IFNAMSIZ
 *     union {
 *         short ifr_flags; // 16
 *         ...              //     24 bytes
 *     };
 * };
 * </pre>
 */
public final class IfreqDescriptor
{
    /** IFNAMSIZ, including the terminating NUL: names have at most 15 characters. */
    public static final int IFNAMSIZ = 16;

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
        MemoryLayout.sequenceLayout(IFNAMSIZ, JAVA_BYTE).withName("ifr_name"),
        JAVA_SHORT.withName("ifr_flags"),
        MemoryLayout.paddingLayout(22)).withName("ifreq");

    public static final long NAME_OFFSET = LAYOUT.byteOffset(groupElement("ifr_name"));
    public static final long FLAGS_OFFSET = LAYOUT.byteOffset(groupElement("ifr_flags"));

    private IfreqDescriptor()
    {
    }
}
