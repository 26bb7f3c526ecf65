package io.npflua.ffm.layout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * {@code struct tpacket3_hdr}: one packet record inside a TPACKET_V3 block (48 bytes), followed by a
 * {@code struct sockaddr_ll} at {@link #SOCKADDR_LL_OFFSET}; packet bytes start at {@code tp_mac}. Records are
 * 8-byte aligned; the last one of a block has {@code tp_next_offset == 0} (walk by {@code num_pkts}).
 *
 * <pre>
 * struct tpacket3_hdr {
 *     __u32 tp_next_offset;  //  0  from this record to the next
 *     __u32 tp_sec;          //  4
 *     __u32 tp_nsec;         //  8
 *     __u32 tp_snaplen;      // 12  bytes in the ring
 *     __u32 tp_len;          // 16  bytes on the wire
 *     __u32 tp_status;       // 20
 *     __u16 tp_mac;          // 24  from this record to the packet
 *     __u16 tp_net;          // 26
 *     struct tpacket_hdr_variant1 {
 *         __u32 tp_rxhash;   // 28
 *         __u32 tp_vlan_tci; // 32
 *         __u16 tp_vlan_tpid;// 36
 *         __u16 tp_padding;  // 38
 *     } hv1;
 *     __u8 tp_padding[8];    // 40
 * };                         // 48, then struct sockaddr_ll
 * </pre>
 */
public final class Tpacket3HeaderDescriptor {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                    JAVA_INT.withName("tp_next_offset"),
                    JAVA_INT.withName("tp_sec"),
                    JAVA_INT.withName("tp_nsec"),
                    JAVA_INT.withName("tp_snaplen"),
                    JAVA_INT.withName("tp_len"),
                    JAVA_INT.withName("tp_status"),
                    JAVA_SHORT.withName("tp_mac"),
                    JAVA_SHORT.withName("tp_net"),
                    JAVA_INT.withName("tp_rxhash"),
                    JAVA_INT.withName("tp_vlan_tci"),
                    JAVA_SHORT.withName("tp_vlan_tpid"),
                    JAVA_SHORT.withName("hv1_padding"),
                    MemoryLayout.sequenceLayout(8, JAVA_BYTE).withName("tp_padding"))
            .withName("tpacket3_hdr");

    public static final long NEXT_OFFSET_OFFSET = LAYOUT.byteOffset(groupElement("tp_next_offset"));
    public static final long SEC_OFFSET = LAYOUT.byteOffset(groupElement("tp_sec"));
    public static final long NSEC_OFFSET = LAYOUT.byteOffset(groupElement("tp_nsec"));
    public static final long SNAPLEN_OFFSET = LAYOUT.byteOffset(groupElement("tp_snaplen"));
    public static final long LEN_OFFSET = LAYOUT.byteOffset(groupElement("tp_len"));
    public static final long STATUS_OFFSET = LAYOUT.byteOffset(groupElement("tp_status"));
    public static final long MAC_OFFSET = LAYOUT.byteOffset(groupElement("tp_mac"));
    public static final long NET_OFFSET = LAYOUT.byteOffset(groupElement("tp_net"));
    public static final long RXHASH_OFFSET = LAYOUT.byteOffset(groupElement("tp_rxhash"));
    public static final long VLAN_TCI_OFFSET = LAYOUT.byteOffset(groupElement("tp_vlan_tci"));
    public static final long VLAN_TPID_OFFSET = LAYOUT.byteOffset(groupElement("tp_vlan_tpid"));
    /** TPACKET_ALIGN(sizeof(struct tpacket3_hdr)): where the {@code sockaddr_ll} sits; TX data starts here too. */
    public static final int SOCKADDR_LL_OFFSET = PacketConstants.tpacketAlign((int) LAYOUT.byteSize());
    /** TPACKET3_HDRLEN: header plus {@code sockaddr_ll}. */
    public static final int HDRLEN = SOCKADDR_LL_OFFSET + (int) SockaddrLlDescriptor.LAYOUT.byteSize();

    private Tpacket3HeaderDescriptor() {}
}
