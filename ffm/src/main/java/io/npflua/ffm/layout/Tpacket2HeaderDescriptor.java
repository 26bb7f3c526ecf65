package io.npflua.ffm.layout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * {@code struct tpacket2_hdr}: the head of every TPACKET_V2 frame (32 bytes), RX and TX. A {@code sockaddr_ll}
 * follows at {@link #SOCKADDR_LL_OFFSET}; RX packet bytes start at {@code tp_mac}; TX packet bytes are written at
 * {@link #TX_DATA_OFFSET}.
 *
 * <pre>
 * struct tpacket2_hdr {
 *     __u32 tp_status;     //  0  ownership word (RX: TP_STATUS_USER; TX: SEND_REQUEST ...)
 *     __u32 tp_len;        //  4  bytes on the wire (TX: bytes to send)
 *     __u32 tp_snaplen;    //  8  bytes in the ring
 *     __u16 tp_mac;        // 12  from this frame to the packet
 *     __u16 tp_net;        // 14
 *     __u32 tp_sec;        // 16
 *     __u32 tp_nsec;       // 20
 *     __u16 tp_vlan_tci;   // 24
 *     __u16 tp_vlan_tpid;  // 26
 *     __u8  tp_padding[4]; // 28
 * };                       // 32, then struct sockaddr_ll
 * </pre>
 */
public final class Tpacket2HeaderDescriptor {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                    JAVA_INT.withName("tp_status"),
                    JAVA_INT.withName("tp_len"),
                    JAVA_INT.withName("tp_snaplen"),
                    JAVA_SHORT.withName("tp_mac"),
                    JAVA_SHORT.withName("tp_net"),
                    JAVA_INT.withName("tp_sec"),
                    JAVA_INT.withName("tp_nsec"),
                    JAVA_SHORT.withName("tp_vlan_tci"),
                    JAVA_SHORT.withName("tp_vlan_tpid"),
                    MemoryLayout.sequenceLayout(4, JAVA_BYTE).withName("tp_padding"))
            .withName("tpacket2_hdr");

    public static final long STATUS_OFFSET = LAYOUT.byteOffset(groupElement("tp_status"));
    public static final long LEN_OFFSET = LAYOUT.byteOffset(groupElement("tp_len"));
    public static final long SNAPLEN_OFFSET = LAYOUT.byteOffset(groupElement("tp_snaplen"));
    public static final long MAC_OFFSET = LAYOUT.byteOffset(groupElement("tp_mac"));
    public static final long NET_OFFSET = LAYOUT.byteOffset(groupElement("tp_net"));
    public static final long SEC_OFFSET = LAYOUT.byteOffset(groupElement("tp_sec"));
    public static final long NSEC_OFFSET = LAYOUT.byteOffset(groupElement("tp_nsec"));
    public static final long VLAN_TCI_OFFSET = LAYOUT.byteOffset(groupElement("tp_vlan_tci"));
    public static final long VLAN_TPID_OFFSET = LAYOUT.byteOffset(groupElement("tp_vlan_tpid"));
    /** TPACKET_ALIGN(sizeof(struct tpacket2_hdr)). */
    public static final int SOCKADDR_LL_OFFSET = PacketConstants.tpacketAlign((int) LAYOUT.byteSize());
    /** TPACKET2_HDRLEN: header plus {@code sockaddr_ll}. */
    public static final int HDRLEN = SOCKADDR_LL_OFFSET + (int) SockaddrLlDescriptor.LAYOUT.byteSize();
    /** Where the kernel reads a TX frame's bytes: TPACKET2_HDRLEN - sizeof(struct sockaddr_ll). */
    public static final int TX_DATA_OFFSET = HDRLEN - (int) SockaddrLlDescriptor.LAYOUT.byteSize();

    private Tpacket2HeaderDescriptor() {}
}
