package io.npflua.ffm.layout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * {@code struct sockaddr_ll}: a link-level address (20 bytes); the argument of {@code bind} and {@code sendto}, and
 * the per-packet origin in the ring.
 *
 * <pre>
 * struct sockaddr_ll {
 *     unsigned short sll_family;   //  0  AF_PACKET
 *     __be16         sll_protocol; //  2  network order
 *     int            sll_ifindex;  //  4
 *     unsigned short sll_hatype;   //  8
 *     unsigned char  sll_pkttype;  // 10  PACKET_HOST ... PACKET_OUTGOING (4)
 *     unsigned char  sll_halen;    // 11
 *     unsigned char  sll_addr[8];  // 12
 * };
 * </pre>
 */
public final class SockaddrLlDescriptor {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                    JAVA_SHORT.withName("sll_family"),
                    JAVA_SHORT.withName("sll_protocol"),
                    JAVA_INT.withName("sll_ifindex"),
                    JAVA_SHORT.withName("sll_hatype"),
                    JAVA_BYTE.withName("sll_pkttype"),
                    JAVA_BYTE.withName("sll_halen"),
                    MemoryLayout.sequenceLayout(8, JAVA_BYTE).withName("sll_addr"))
            .withName("sockaddr_ll");

    public static final long FAMILY_OFFSET = LAYOUT.byteOffset(groupElement("sll_family"));
    public static final long PROTOCOL_OFFSET = LAYOUT.byteOffset(groupElement("sll_protocol"));
    public static final long IFINDEX_OFFSET = LAYOUT.byteOffset(groupElement("sll_ifindex"));
    public static final long HATYPE_OFFSET = LAYOUT.byteOffset(groupElement("sll_hatype"));
    public static final long PKTTYPE_OFFSET = LAYOUT.byteOffset(groupElement("sll_pkttype"));
    public static final long HALEN_OFFSET = LAYOUT.byteOffset(groupElement("sll_halen"));
    public static final long ADDR_OFFSET = LAYOUT.byteOffset(groupElement("sll_addr"));

    private SockaddrLlDescriptor() {}
}
