package io.npflua.ffm.ring;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import io.npflua.ffm.layout.PacketConstants;
import io.npflua.ffm.layout.SockaddrLlDescriptor;
import io.npflua.ffm.layout.Tpacket2HeaderDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * Plays the kernel's part of a TPACKET_V2 RX ring on any segment: writes each packet into the next kernel-owned frame
 * exactly as {@code tpacket_rcv} does and hands it over with a release store. For tests and benchmarks without root;
 * {@link FrameRing} reads the result with the same code as a live ring.
 */
public final class FrameRingEmulator {
    private static final VarHandle INT_HANDLE = JAVA_INT.varHandle();
    private static final int ETH_HLEN = 14;

    private final MemorySegment ring;
    private final RingGeometry geometry;
    private final int macOffset;
    private final long[] frameOffsets;
    private int frameIndex;

    /**
     * @param ring     the ring memory.
     * @param geometry its geometry.
     * @param reserve  PACKET_RESERVE headroom in bytes.
     */
    public FrameRingEmulator(final MemorySegment ring, final RingGeometry geometry, final int reserve) {
        this.ring = ring;
        this.geometry = geometry;
        this.macOffset = PacketConstants.tpacketAlign(Tpacket2HeaderDescriptor.HDRLEN + 16) + reserve - ETH_HLEN;
        this.frameOffsets = new long[geometry.frameCount()];
        for (int i = 0; i < frameOffsets.length; i++) {
            frameOffsets[i] = geometry.frameOffset(i);
        }
    }

    /**
     * Writes one packet into the next frame (truncated to the frame) and hands it to user space.
     *
     * @param packet   source of the bytes.
     * @param offset   where they start.
     * @param length   bytes on the wire.
     * @param tsNs     timestamp in ns.
     * @param vlanTci  stripped VLAN TCI, or -1 for untagged.
     * @param vlanTpid stripped VLAN TPID.
     * @param pktType  packet type.
     * @param ifindex  interface index.
     * @return false when the next frame is still user-owned (ring full: dropped).
     */
    public boolean add(
            final MemorySegment packet,
            final long offset,
            final int length,
            final long tsNs,
            final int vlanTci,
            final int vlanTpid,
            final int pktType,
            final int ifindex) {
        final long frame = frameOffsets[frameIndex];
        // Acquire: pairs with the reader's release of the frame.
        if ((((int) INT_HANDLE.getAcquire(ring, frame + Tpacket2HeaderDescriptor.STATUS_OFFSET))
                        & PacketConstants.TP_STATUS_USER)
                != 0) {
            return false;
        }
        final int snaplen = Math.min(length, geometry.frameSize() - macOffset);
        ring.asSlice(frame + 4, macOffset - 4).fill((byte) 0);
        ring.set(JAVA_INT, frame + Tpacket2HeaderDescriptor.LEN_OFFSET, length);
        ring.set(JAVA_INT, frame + Tpacket2HeaderDescriptor.SNAPLEN_OFFSET, snaplen);
        ring.set(JAVA_SHORT, frame + Tpacket2HeaderDescriptor.MAC_OFFSET, (short) macOffset);
        ring.set(JAVA_SHORT, frame + Tpacket2HeaderDescriptor.NET_OFFSET, (short) (macOffset + ETH_HLEN));
        ring.set(JAVA_INT, frame + Tpacket2HeaderDescriptor.SEC_OFFSET, (int) (tsNs / 1_000_000_000L));
        ring.set(JAVA_INT, frame + Tpacket2HeaderDescriptor.NSEC_OFFSET, (int) (tsNs % 1_000_000_000L));
        int status = PacketConstants.TP_STATUS_USER;
        if (vlanTci >= 0) {
            status |= PacketConstants.TP_STATUS_VLAN_VALID | PacketConstants.TP_STATUS_VLAN_TPID_VALID;
            ring.set(JAVA_SHORT, frame + Tpacket2HeaderDescriptor.VLAN_TCI_OFFSET, (short) vlanTci);
            ring.set(JAVA_SHORT, frame + Tpacket2HeaderDescriptor.VLAN_TPID_OFFSET, (short) vlanTpid);
        }
        if (snaplen < length) {
            status |= PacketConstants.TP_STATUS_COPY;
        }
        writeSockaddrLl(
                ring, frame + Tpacket2HeaderDescriptor.SOCKADDR_LL_OFFSET, packet, offset, snaplen, pktType, ifindex);
        MemorySegment.copy(packet, offset, ring, frame + macOffset, snaplen);
        // Release: the frame's bytes and header are visible before TP_STATUS_USER.
        INT_HANDLE.setRelease(ring, frame + Tpacket2HeaderDescriptor.STATUS_OFFSET, status);
        frameIndex = frameIndex + 1 == geometry.frameCount() ? 0 : frameIndex + 1;
        return true;
    }

    /**
     * Hands every frame back to user space again without rewriting it (benchmarks). Frames must have been filled once.
     */
    public void handOverAll() {
        for (final long frame : frameOffsets) {
            final long status = frame + Tpacket2HeaderDescriptor.STATUS_OFFSET;
            // Release: as add(); keeps the VLAN bits the frame was written with.
            INT_HANDLE.setRelease(ring, status, ring.get(JAVA_INT, status) | PacketConstants.TP_STATUS_USER);
        }
    }

    /**
     * Writes the {@code sockaddr_ll} the kernel puts after a ring frame's header (family, the frame's EtherType as
     * protocol, ifindex, ARPHRD_ETHER, packet type, address length 6); shared with {@link BlockRingEmulator}.
     *
     * @param ring    the ring memory.
     * @param sll     where the {@code sockaddr_ll} starts in {@code ring}.
     * @param packet  the packet's bytes.
     * @param offset  where the packet starts in {@code packet}.
     * @param snaplen bytes of the packet copied into the ring.
     * @param pktType PACKET_HOST ... PACKET_OUTGOING.
     * @param ifindex interface index.
     */
    static void writeSockaddrLl(
            final MemorySegment ring,
            final long sll,
            final MemorySegment packet,
            final long offset,
            final int snaplen,
            final int pktType,
            final int ifindex) {
        ring.set(JAVA_SHORT, sll + SockaddrLlDescriptor.FAMILY_OFFSET, (short) PacketConstants.AF_PACKET);
        ring.set(
                JAVA_SHORT,
                sll + SockaddrLlDescriptor.PROTOCOL_OFFSET,
                snaplen >= ETH_HLEN ? packet.get(JAVA_SHORT_UNALIGNED, offset + 12) : 0);
        ring.set(JAVA_INT, sll + SockaddrLlDescriptor.IFINDEX_OFFSET, ifindex);
        ring.set(JAVA_SHORT, sll + SockaddrLlDescriptor.HATYPE_OFFSET, (short) 1);
        ring.set(JAVA_BYTE, sll + SockaddrLlDescriptor.PKTTYPE_OFFSET, (byte) pktType);
        ring.set(JAVA_BYTE, sll + SockaddrLlDescriptor.HALEN_OFFSET, (byte) 6);
    }
}
