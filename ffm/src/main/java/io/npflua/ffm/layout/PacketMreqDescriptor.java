package io.npflua.ffm.layout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * {@code struct packet_mreq} (16 bytes), for {@code PACKET_ADD_MEMBERSHIP} (promiscuous mode that ends with the
 * socket).
 *
 * <pre>
 * struct packet_mreq {
 *     int            mr_ifindex;    // 0
 *     unsigned short mr_type;       // 4  PACKET_MR_PROMISC
 *     unsigned short mr_alen;       // 6
 *     unsigned char  mr_address[8]; // 8
 * };
 * </pre>
 */
public final class PacketMreqDescriptor {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                    JAVA_INT.withName("mr_ifindex"),
                    JAVA_SHORT.withName("mr_type"),
                    JAVA_SHORT.withName("mr_alen"),
                    MemoryLayout.sequenceLayout(8, JAVA_BYTE).withName("mr_address"))
            .withName("packet_mreq");

    public static final long IFINDEX_OFFSET = LAYOUT.byteOffset(groupElement("mr_ifindex"));
    public static final long TYPE_OFFSET = LAYOUT.byteOffset(groupElement("mr_type"));
    public static final long ALEN_OFFSET = LAYOUT.byteOffset(groupElement("mr_alen"));
    public static final long ADDRESS_OFFSET = LAYOUT.byteOffset(groupElement("mr_address"));

    private PacketMreqDescriptor() {}
}
