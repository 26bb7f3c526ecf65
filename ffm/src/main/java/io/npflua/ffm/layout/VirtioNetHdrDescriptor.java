package io.npflua.ffm.layout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * {@code struct virtio_net_hdr} (10 bytes), which a packet socket with {@code PACKET_VNET_HDR} reads before every
 * frame it sends and writes before every frame it receives (docs/ffm.md, "Super-frames"). The 16-bit fields are
 * little-endian (legacy virtio byte order, which on x86-64 is the native order); in a V2 ring slot the header sits at
 * {@code tp_mac - 10}, which is not 2-aligned in general, hence the unaligned layouts.
 *
 * <pre>
 * struct virtio_net_hdr {
 *     __u8  flags;        // 0  VIRTIO_NET_HDR_F_*
 *     __u8  gso_type;     // 1  VIRTIO_NET_HDR_GSO_*, possibly | GSO_ECN
 *     __u16 hdr_len;      // 2  RX: length of the linear part (a hint); TX: bytes of headers to copy
 *     __u16 gso_size;     // 4  payload bytes per segment (the MSS for TCP)
 *     __u16 csum_start;   // 6  with NEEDS_CSUM: where checksumming starts, from the start of the frame
 *     __u16 csum_offset;  // 8  with NEEDS_CSUM: where to store the checksum, from csum_start
 * };
 * </pre>
 */
public final class VirtioNetHdrDescriptor {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                    JAVA_BYTE.withName("flags"),
                    JAVA_BYTE.withName("gso_type"),
                    JAVA_SHORT_UNALIGNED.withName("hdr_len"),
                    JAVA_SHORT_UNALIGNED.withName("gso_size"),
                    JAVA_SHORT_UNALIGNED.withName("csum_start"),
                    JAVA_SHORT_UNALIGNED.withName("csum_offset"))
            .withName("virtio_net_hdr");

    public static final long FLAGS_OFFSET = LAYOUT.byteOffset(groupElement("flags"));
    public static final long GSO_TYPE_OFFSET = LAYOUT.byteOffset(groupElement("gso_type"));
    public static final long HDR_LEN_OFFSET = LAYOUT.byteOffset(groupElement("hdr_len"));
    public static final long GSO_SIZE_OFFSET = LAYOUT.byteOffset(groupElement("gso_size"));
    public static final long CSUM_START_OFFSET = LAYOUT.byteOffset(groupElement("csum_start"));
    public static final long CSUM_OFFSET_OFFSET = LAYOUT.byteOffset(groupElement("csum_offset"));

    /** Size of the struct: what PACKET_VNET_HDR puts before each frame. */
    public static final int SIZE = (int) LAYOUT.byteSize();

    /** The checksum is partial: the sender (or the device) must finish it from csum_start, storing at csum_offset. */
    public static final int F_NEEDS_CSUM = 1;
    /** RX: the checksum was verified (CHECKSUM_UNNECESSARY). */
    public static final int F_DATA_VALID = 2;
    /** Receive-segment-coalescing info in the csum fields (virtio devices only). */
    public static final int F_RSC_INFO = 4;

    /** Not a GSO frame. */
    public static final int GSO_NONE = 0;
    /** TCP over IPv4. */
    public static final int GSO_TCPV4 = 1;
    /** UDP fragmentation offload (UFO), IPv4 or IPv6: accepted on send, never reported on receive. */
    public static final int GSO_UDP = 3;
    /** TCP over IPv6. */
    public static final int GSO_TCPV6 = 4;
    /** UDP segmentation (USO, SKB_GSO_UDP_L4): each segment a UDP datagram of gso_size payload bytes. */
    public static final int GSO_UDP_L4 = 5;
    /** Or-ed into a TCP gso_type: the sender uses ECN (CWR set on the first segment only). */
    public static final int GSO_ECN = 0x80;

    private VirtioNetHdrDescriptor() {}

    /**
     * Writes a header at {@code at} of {@code segment} (a TX slot, or the room before a received frame). Allocation-free.
     *
     * @param flags      VIRTIO_NET_HDR_F_* (only F_NEEDS_CSUM means anything on send).
     * @param gsoType    GSO_* (| GSO_ECN), 0 for a frame sent as it is.
     * @param hdrLen     length of the headers (a hint; 0 lets the kernel choose).
     * @param gsoSize    payload bytes per segment.
     * @param csumStart  with F_NEEDS_CSUM: where checksumming starts, from the frame's first byte.
     * @param csumOffset with F_NEEDS_CSUM: where the checksum goes, from {@code csumStart}.
     */
    public static void write(
            final MemorySegment segment,
            final long at,
            final int flags,
            final int gsoType,
            final int hdrLen,
            final int gsoSize,
            final int csumStart,
            final int csumOffset) {
        segment.set(JAVA_BYTE, at + FLAGS_OFFSET, (byte) flags);
        segment.set(JAVA_BYTE, at + GSO_TYPE_OFFSET, (byte) gsoType);
        segment.set(JAVA_SHORT_UNALIGNED, at + HDR_LEN_OFFSET, (short) hdrLen);
        segment.set(JAVA_SHORT_UNALIGNED, at + GSO_SIZE_OFFSET, (short) gsoSize);
        segment.set(JAVA_SHORT_UNALIGNED, at + CSUM_START_OFFSET, (short) csumStart);
        segment.set(JAVA_SHORT_UNALIGNED, at + CSUM_OFFSET_OFFSET, (short) csumOffset);
    }
}
