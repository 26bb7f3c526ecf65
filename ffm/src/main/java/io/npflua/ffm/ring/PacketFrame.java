package io.npflua.ffm.ring;

import io.npflua.ffm.layout.PacketConstants;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Flyweight over one received frame in a ring: the packet bytes stay where the kernel wrote them
 * ({@link #segment()} at {@link #dataOffset()}, {@link #capturedLength()} bytes) and the metadata is copied out of
 * the ring header into fields. One instance per ring, reused for every frame: nothing is allocated per packet.
 *
 * <p>Zero-copy contract: read the bytes as {@code segment().get(layout, dataOffset() + i)} for
 * {@code 0 <= i < capturedLength()}. With {@link SliceScope#BLOCK}, {@code segment()} is closed (access throws
 * {@link IllegalStateException}) as soon as the frame's block (V3) or poll batch (V2) goes back to the kernel.
 * {@link #slice()} is a convenience that allocates one segment object.
 *
 * <p>When VLAN re-insertion is on and the kernel had stripped a tag ({@link #vlanValid()}), the tag has already
 * been written back in front of the EtherType: the bytes, {@link #capturedLength()} and {@link #wireLength()} are
 * those on the wire, and {@link #vlanTagInData()} is true.
 */
public final class PacketFrame
{
    MemorySegment segment = MemorySegment.NULL;
    long dataOffset;
    long headerOffset;
    int capturedLength;
    int wireLength;
    long timestampNs;
    int status;
    int vlanTci;
    int vlanTpid;
    int packetType;
    int ifindex;
    int protocol;
    int rxHash;
    boolean vlanTagInData;

    /** @return the segment holding the packet: the block or batch view, or the whole ring ({@link SliceScope}). */
    public MemorySegment segment()
    {
        return segment;
    }

    /** @return where the packet's first (link-layer) byte is in {@link #segment()}. */
    public long dataOffset()
    {
        return dataOffset;
    }

    /** @return bytes of the packet present in the ring ({@code tp_snaplen}, plus 4 if a tag was re-inserted). */
    public int capturedLength()
    {
        return capturedLength;
    }

    /** @return bytes the packet had on the wire ({@code tp_len}, plus 4 if a tag was re-inserted). */
    public int wireLength()
    {
        return wireLength;
    }

    /** @return the kernel's receive timestamp, nanoseconds since the epoch. */
    public long timestampNs()
    {
        return timestampNs;
    }

    /** @return the raw {@code tp_status} bits (TP_STATUS_* in {@link PacketConstants}). */
    public int status()
    {
        return status;
    }

    /** @return true when the kernel stripped a VLAN tag ({@code TP_STATUS_VLAN_VALID}): {@link #vlanTci()} is set. */
    public boolean vlanValid()
    {
        return (status & PacketConstants.TP_STATUS_VLAN_VALID) != 0;
    }

    /** @return true when {@link #vlanTpid()} is reported by the kernel ({@code TP_STATUS_VLAN_TPID_VALID}). */
    public boolean vlanTpidValid()
    {
        return (status & PacketConstants.TP_STATUS_VLAN_TPID_VALID) != 0;
    }

    /** @return the stripped tag's TCI (PCP, DEI, VID), when {@link #vlanValid()}. */
    public int vlanTci()
    {
        return vlanTci;
    }

    /** @return the stripped tag's TPID (0x8100 802.1Q, 0x88a8 802.1ad), when {@link #vlanTpidValid()}. */
    public int vlanTpid()
    {
        return vlanTpid;
    }

    /** @return true when the stripped tag was written back into the packet bytes (VLAN re-insertion is on). */
    public boolean vlanTagInData()
    {
        return vlanTagInData;
    }

    /** @return true when the packet was truncated to the snap length ({@code TP_STATUS_COPY} or snaplen < len). */
    public boolean truncated()
    {
        return capturedLength < wireLength;
    }

    /** @return the packet type from {@code sockaddr_ll} (PACKET_HOST 0 ... PACKET_OUTGOING 4). */
    public int packetType()
    {
        return packetType;
    }

    /** @return true for frames this host sent ({@code PACKET_OUTGOING}). */
    public boolean outgoing()
    {
        return packetType == PacketConstants.PACKET_OUTGOING;
    }

    /** @return the interface index the packet was seen on. */
    public int ifindex()
    {
        return ifindex;
    }

    /** @return the link-layer protocol (EtherType, host order) from {@code sockaddr_ll}. */
    public int protocol()
    {
        return protocol;
    }

    /** @return the kernel's flow hash ({@code tp_rxhash}, V3 only; 0 otherwise). */
    public int rxHash()
    {
        return rxHash;
    }

    /**
     * A segment of exactly the packet bytes. Allocates one segment object: prefer {@link #segment()} +
     * {@link #dataOffset()} on the per-packet path. The slice has the lifetime of {@link #segment()}.
     *
     * @return the packet bytes, zero-copy.
     */
    public MemorySegment slice()
    {
        return segment.asSlice(dataOffset, capturedLength);
    }

    /** @return a heap copy of the packet bytes (allocates; for tests and diagnostics). */
    public byte[] toByteArray()
    {
        return segment.asSlice(dataOffset, capturedLength).toArray(ValueLayout.JAVA_BYTE);
    }

    @Override
    public String toString()
    {
        return "PacketFrame{caplen=" + capturedLength + ", len=" + wireLength + ", tsNs=" + timestampNs
            + ", status=0x" + Integer.toHexString(status) + ", vlanTci=" + vlanTci + ", vlanTpid=0x"
            + Integer.toHexString(vlanTpid) + ", pkttype=" + packetType + ", ifindex=" + ifindex + '}';
    }
}
