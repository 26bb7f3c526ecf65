package io.npflua.ffm.ring;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import io.npflua.ffm.layout.PacketConstants;
import io.npflua.ffm.layout.SockaddrLlDescriptor;
import io.npflua.ffm.layout.Tpacket2HeaderDescriptor;
import io.npflua.ffm.layout.Tpacket3HeaderDescriptor;
import io.npflua.ffm.layout.VirtioNetHdrDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Flyweight over one received frame in a ring: the packet bytes stay where the kernel wrote them
 * ({@link #segment()} at {@link #dataOffset()}, {@link #capturedLength()} bytes). Lengths and status are read by the
 * walker; the other metadata (timestamp, VLAN, sockaddr_ll fields) is read from the ring header on demand, through
 * the same scoped segment. One instance per ring, reused for every frame: nothing is allocated per packet.
 *
 * <p>Zero-copy contract: read the bytes as {@code segment().get(layout, dataOffset() + i)} for
 * {@code 0 <= i < capturedLength()}. With {@link SliceScope#BLOCK}, {@code segment()} is closed (access throws
 * {@link IllegalStateException}) as soon as the frame's block (V3) or poll batch (V2) goes back to the kernel.
 * {@link #slice()} is a convenience that allocates one segment object.
 *
 * <p>When VLAN re-insertion is on and the kernel had stripped a tag ({@link #vlanValid()}), the tag has already
 * been written back in front of the EtherType: the bytes, {@link #capturedLength()} and {@link #wireLength()} are
 * those on the wire, and {@link #vlanTagInData()} is true.
 *
 * <p>On a socket with {@code PACKET_VNET_HDR} ({@link #hasVnetHeader()}) the kernel's {@code struct virtio_net_hdr}
 * sits in the {@value VirtioNetHdrDescriptor#SIZE} bytes right before the packet ({@link #vnetHeaderOffset()}), also
 * after a VLAN tag was written back: the walker moves it 4 bytes down first and adds 4 to its {@code csum_start} and
 * {@code hdr_len}, so the header always describes the bytes as exposed. Its fields are read on demand.
 */
public final class PacketFrame {
    MemorySegment segment = MemorySegment.NULL;
    long headerOffset;
    long dataOffset;
    int capturedLength;
    int wireLength;
    int status;
    boolean vlanTagInData;

    private final boolean v3;
    private final long secOffset;
    private final long nsecOffset;
    private final long tciOffset;
    private final long tpidOffset;
    private final long sllOffset;
    private final int headroomFloor;
    private final boolean vnet;

    PacketFrame(final RingVersion version) {
        this(version, false);
    }

    PacketFrame(final RingVersion version, final boolean vnetHeader) {
        v3 = version == RingVersion.V3;
        vnet = vnetHeader;
        secOffset = v3 ? Tpacket3HeaderDescriptor.SEC_OFFSET : Tpacket2HeaderDescriptor.SEC_OFFSET;
        nsecOffset = v3 ? Tpacket3HeaderDescriptor.NSEC_OFFSET : Tpacket2HeaderDescriptor.NSEC_OFFSET;
        tciOffset = v3 ? Tpacket3HeaderDescriptor.VLAN_TCI_OFFSET : Tpacket2HeaderDescriptor.VLAN_TCI_OFFSET;
        tpidOffset = v3 ? Tpacket3HeaderDescriptor.VLAN_TPID_OFFSET : Tpacket2HeaderDescriptor.VLAN_TPID_OFFSET;
        sllOffset = v3 ? Tpacket3HeaderDescriptor.SOCKADDR_LL_OFFSET : Tpacket2HeaderDescriptor.SOCKADDR_LL_OFFSET;
        headroomFloor = (v3 ? Tpacket3HeaderDescriptor.HDRLEN : Tpacket2HeaderDescriptor.HDRLEN)
                + (vnetHeader ? VirtioNetHdrDescriptor.SIZE : 0);
    }

    /**
     * Points this view at the frame whose header is at {@code header} in {@code ring}, first writing a stripped VLAN
     * tag back into the packet bytes when {@code reinsertVlan} is on, the kernel reported a tag and the headroom holds
     * it. The walker has read the header words; {@link #segment} is already set. Allocation-free (per-packet path).
     *
     * @param ring         the ring mapping.
     * @param header       the frame header's offset in {@code ring}.
     * @param viewBase     the offset in {@code ring} at which {@link #segment} starts (0 when it is the whole ring).
     * @param status       {@code tp_status}.
     * @param mac          {@code tp_mac}: from the header to the packet's first byte.
     * @param snaplen      {@code tp_snaplen}.
     * @param len          {@code tp_len}.
     * @param reinsertVlan whether VLAN re-insertion is on (the socket has PACKET_RESERVE >= 4).
     */
    void load(
            final MemorySegment ring,
            final long header,
            final long viewBase,
            final int status,
            final int mac,
            final int snaplen,
            final int len,
            final boolean reinsertVlan) {
        long data = header + mac;
        boolean inserted = false;
        if (reinsertVlan
                && (status & PacketConstants.TP_STATUS_VLAN_VALID) != 0
                && snaplen >= 12
                && mac >= headroomFloor + VlanTags.TAG_LENGTH) {
            // tp_vlan_tci is a __u32 in tpacket3_hdr and a __u16 in tpacket2_hdr.
            final int tci = v3
                    ? ring.get(JAVA_INT, header + tciOffset) & 0xFFFF
                    : Short.toUnsignedInt(ring.get(JAVA_SHORT, header + tciOffset));
            final int tpid = (status & PacketConstants.TP_STATUS_VLAN_TPID_VALID) != 0
                    ? Short.toUnsignedInt(ring.get(JAVA_SHORT, header + tpidOffset))
                    : 0;
            if (vnet) {
                moveVnetHeaderDown(ring, data - VirtioNetHdrDescriptor.SIZE);
            }
            VlanTags.reinsert(ring, data, tpid, tci);
            data -= VlanTags.TAG_LENGTH;
            inserted = true;
        }
        final int added = inserted ? VlanTags.TAG_LENGTH : 0;
        headerOffset = header - viewBase;
        dataOffset = data - viewBase;
        capturedLength = snaplen + added;
        wireLength = len + added;
        this.status = status;
        vlanTagInData = inserted;
    }

    /**
     * Moves the vnet header at {@code at} 4 bytes down (into the PACKET_RESERVE headroom that lies before it) so that
     * it still ends where the packet starts once the tag is written back, and shifts its offsets by the tag's length.
     */
    private static void moveVnetHeaderDown(final MemorySegment ring, final long at) {
        final long to = at - VlanTags.TAG_LENGTH;
        MemorySegment.copy(ring, at, ring, to, VirtioNetHdrDescriptor.SIZE);
        final int flags = ring.get(JAVA_BYTE, to + VirtioNetHdrDescriptor.FLAGS_OFFSET);
        if ((flags & VirtioNetHdrDescriptor.F_NEEDS_CSUM) != 0) {
            addToShort(ring, to + VirtioNetHdrDescriptor.CSUM_START_OFFSET, VlanTags.TAG_LENGTH);
        }
        if (ring.get(JAVA_SHORT_UNALIGNED, to + VirtioNetHdrDescriptor.HDR_LEN_OFFSET) != 0) {
            addToShort(ring, to + VirtioNetHdrDescriptor.HDR_LEN_OFFSET, VlanTags.TAG_LENGTH);
        }
    }

    private static void addToShort(final MemorySegment ring, final long at, final int delta) {
        ring.set(JAVA_SHORT_UNALIGNED, at, (short) (Short.toUnsignedInt(ring.get(JAVA_SHORT_UNALIGNED, at)) + delta));
    }

    /** @return true when the socket has {@code PACKET_VNET_HDR}: a virtio_net_hdr precedes every packet. */
    public boolean hasVnetHeader() {
        return vnet;
    }

    /** @return where the packet's {@code struct virtio_net_hdr} is in {@link #segment()} (with a vnet header only). */
    public long vnetHeaderOffset() {
        return dataOffset - VirtioNetHdrDescriptor.SIZE;
    }

    /** @return the vnet header's {@code flags} (F_NEEDS_CSUM, F_DATA_VALID), 0 without a vnet header. */
    public int vnetFlags() {
        return vnet ? Byte.toUnsignedInt(segment.get(JAVA_BYTE, vnetHeaderOffset())) : 0;
    }

    /** @return the vnet header's {@code gso_type} (GSO_NONE, GSO_TCPV4, ... maybe | GSO_ECN), 0 without one. */
    public int gsoType() {
        return vnet
                ? Byte.toUnsignedInt(
                        segment.get(JAVA_BYTE, vnetHeaderOffset() + VirtioNetHdrDescriptor.GSO_TYPE_OFFSET))
                : 0;
    }

    /** @return the vnet header's {@code gso_size}: payload bytes per segment (the MSS), 0 without one. */
    public int gsoSize() {
        return vnetShort(VirtioNetHdrDescriptor.GSO_SIZE_OFFSET);
    }

    /** @return the vnet header's {@code hdr_len} (length of the headers, a hint), 0 without one. */
    public int vnetHeaderLength() {
        return vnetShort(VirtioNetHdrDescriptor.HDR_LEN_OFFSET);
    }

    /** @return with F_NEEDS_CSUM: where checksumming starts, from the packet's first byte; 0 without a vnet header. */
    public int csumStart() {
        return vnetShort(VirtioNetHdrDescriptor.CSUM_START_OFFSET);
    }

    /** @return with F_NEEDS_CSUM: where the checksum field is, from {@link #csumStart()}; 0 without a vnet header. */
    public int csumOffset() {
        return vnetShort(VirtioNetHdrDescriptor.CSUM_OFFSET_OFFSET);
    }

    private int vnetShort(final long field) {
        // Little-endian (legacy virtio) = native order on x86-64.
        return vnet ? Short.toUnsignedInt(segment.get(JAVA_SHORT_UNALIGNED, vnetHeaderOffset() + field)) : 0;
    }

    /** @return the segment holding the packet: the block or batch view, or the whole ring ({@link SliceScope}). */
    public MemorySegment segment() {
        return segment;
    }

    /** @return where the packet's first (link-layer) byte is in {@link #segment()}. */
    public long dataOffset() {
        return dataOffset;
    }

    /** @return bytes of the packet present in the ring ({@code tp_snaplen}, plus 4 if a tag was re-inserted). */
    public int capturedLength() {
        return capturedLength;
    }

    /** @return bytes the packet had on the wire ({@code tp_len}, plus 4 if a tag was re-inserted). */
    public int wireLength() {
        return wireLength;
    }

    /** @return where the ring header ({@code tpacket3_hdr} or {@code tpacket2_hdr}) of this frame is in {@link #segment()}. */
    public long headerOffset() {
        return headerOffset;
    }

    /** @return the kernel's receive timestamp, nanoseconds since the epoch. */
    public long timestampNs() {
        return Integer.toUnsignedLong(segment.get(JAVA_INT, headerOffset + secOffset)) * 1_000_000_000L
                + Integer.toUnsignedLong(segment.get(JAVA_INT, headerOffset + nsecOffset));
    }

    /** @return the raw {@code tp_status} bits (TP_STATUS_* in {@link PacketConstants}). */
    public int status() {
        return status;
    }

    /** @return true when the kernel stripped a VLAN tag ({@code TP_STATUS_VLAN_VALID}): {@link #vlanTci()} is set. */
    public boolean vlanValid() {
        return (status & PacketConstants.TP_STATUS_VLAN_VALID) != 0;
    }

    /** @return true when {@link #vlanTpid()} is reported by the kernel ({@code TP_STATUS_VLAN_TPID_VALID}). */
    public boolean vlanTpidValid() {
        return (status & PacketConstants.TP_STATUS_VLAN_TPID_VALID) != 0;
    }

    /** @return the stripped tag's TCI (PCP, DEI, VID), when {@link #vlanValid()}. */
    public int vlanTci() {
        return Short.toUnsignedInt(segment.get(JAVA_SHORT, headerOffset + tciOffset));
    }

    /** @return the stripped tag's TPID (0x8100 802.1Q, 0x88a8 802.1ad), when {@link #vlanTpidValid()}. */
    public int vlanTpid() {
        return Short.toUnsignedInt(segment.get(JAVA_SHORT, headerOffset + tpidOffset));
    }

    /** @return true when the stripped tag was written back into the packet bytes (VLAN re-insertion is on). */
    public boolean vlanTagInData() {
        return vlanTagInData;
    }

    /** @return true when the packet was truncated to the snap length ({@code TP_STATUS_COPY} or snaplen < len). */
    public boolean truncated() {
        return capturedLength < wireLength;
    }

    /** @return the packet type from {@code sockaddr_ll} (PACKET_HOST 0 ... PACKET_OUTGOING 4). */
    public int packetType() {
        return Byte.toUnsignedInt(
                segment.get(JAVA_BYTE, headerOffset + sllOffset + SockaddrLlDescriptor.PKTTYPE_OFFSET));
    }

    /** @return true for frames this host sent ({@code PACKET_OUTGOING}). */
    public boolean outgoing() {
        return packetType() == PacketConstants.PACKET_OUTGOING;
    }

    /** @return the interface index the packet was seen on. */
    public int ifindex() {
        return segment.get(JAVA_INT, headerOffset + sllOffset + SockaddrLlDescriptor.IFINDEX_OFFSET);
    }

    /** @return the link-layer protocol (EtherType, host order) from {@code sockaddr_ll}. */
    public int protocol() {
        return Short.toUnsignedInt(Short.reverseBytes(
                segment.get(JAVA_SHORT, headerOffset + sllOffset + SockaddrLlDescriptor.PROTOCOL_OFFSET)));
    }

    /** @return the kernel's flow hash ({@code tp_rxhash}, V3 only; 0 otherwise). */
    public int rxHash() {
        return v3 ? segment.get(JAVA_INT, headerOffset + Tpacket3HeaderDescriptor.RXHASH_OFFSET) : 0;
    }

    /**
     * A segment of exactly the packet bytes. Allocates one segment object: prefer {@link #segment()} +
     * {@link #dataOffset()} on the per-packet path. The slice has the lifetime of {@link #segment()}.
     *
     * @return the packet bytes, zero-copy.
     */
    public MemorySegment slice() {
        return segment.asSlice(dataOffset, capturedLength);
    }

    /** @return a heap copy of the packet bytes (allocates; for tests and diagnostics). */
    public byte[] toByteArray() {
        return segment.asSlice(dataOffset, capturedLength).toArray(ValueLayout.JAVA_BYTE);
    }

    @Override
    public String toString() {
        return "PacketFrame{caplen=" + capturedLength + ", len=" + wireLength + ", status=0x"
                + Integer.toHexString(status) + '}';
    }
}
