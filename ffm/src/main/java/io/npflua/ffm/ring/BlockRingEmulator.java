package io.npflua.ffm.ring;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.npflua.ffm.layout.BlockDescriptor;
import io.npflua.ffm.layout.PacketConstants;
import io.npflua.ffm.layout.SockaddrLlDescriptor;
import io.npflua.ffm.layout.Tpacket3HeaderDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * Plays the kernel's part of a TPACKET_V3 ring on any segment: packs packet records into blocks exactly as
 * {@code tpacket_rcv}/{@code prb_fill_curr_block} do (same offsets, alignment, {@code tp_mac}, {@code sockaddr_ll},
 * block header) and hands full blocks to user space with a release store. For tests and benchmarks that must run
 * without root; {@link BlockRing} walks the result with the same code as a live ring.
 */
public final class BlockRingEmulator {
    private static final VarHandle INT_HANDLE = JAVA_INT.varHandle();
    private static final int ETH_HLEN = 14;
    // BLK_PLUS_PRIV(0): the block header rounded to 8.
    private static final int FIRST_RECORD_OFFSET = (int) BlockDescriptor.LAYOUT.byteSize();

    private final MemorySegment ring;
    private final RingGeometry geometry;
    private final int macOffset;
    private int blockIndex;
    private int packetsInBlock;
    private long writeOffset = FIRST_RECORD_OFFSET;
    private long lastRecord = -1;
    private long sequence;

    /**
     * @param ring     the ring memory.
     * @param geometry its geometry.
     * @param reserve  PACKET_RESERVE headroom in bytes (4 for VLAN re-insertion).
     */
    public BlockRingEmulator(final MemorySegment ring, final RingGeometry geometry, final int reserve) {
        this.ring = ring;
        this.geometry = geometry;
        // netoff = TPACKET_ALIGN(tp_hdrlen + max(maclen, 16)) + reserve; macoff = netoff - maclen (Ethernet).
        this.macOffset = PacketConstants.tpacketAlign(Tpacket3HeaderDescriptor.HDRLEN + 16) + reserve - ETH_HLEN;
    }

    /**
     * Appends one packet, closing the current block first when it does not fit.
     *
     * @param packet   source of the bytes.
     * @param offset   where they start.
     * @param snaplen  bytes stored.
     * @param wireLen  bytes on the wire.
     * @param tsNs     timestamp in ns since the epoch.
     * @param vlanTci  stripped VLAN TCI, or -1 for an untagged packet.
     * @param vlanTpid stripped VLAN TPID.
     * @param pktType  PACKET_HOST ... PACKET_OUTGOING.
     * @param ifindex  interface index.
     * @return false when the ring is full (the next block is still user-owned): the packet is dropped.
     */
    public boolean add(
            final MemorySegment packet,
            final long offset,
            final int snaplen,
            final int wireLen,
            final long tsNs,
            final int vlanTci,
            final int vlanTpid,
            final int pktType,
            final int ifindex) {
        final long recordLength = align8(macOffset + snaplen);
        if (writeOffset + recordLength > geometry.blockSize()) {
            if (recordLength > geometry.blockSize() - FIRST_RECORD_OFFSET) {
                throw new IllegalArgumentException(
                        "packet of " + snaplen + " B cannot fit a " + geometry.blockSize() + " B block");
            }
            if (!closeBlock()) {
                return false;
            }
        }
        if (packetsInBlock == 0 && !blockIsKernels(blockIndex)) {
            return false;
        }
        final long block = blockOffset();
        final long record = block + writeOffset;
        ring.asSlice(record, macOffset).fill((byte) 0);
        ring.set(JAVA_INT, record + Tpacket3HeaderDescriptor.SEC_OFFSET, (int) (tsNs / 1_000_000_000L));
        ring.set(JAVA_INT, record + Tpacket3HeaderDescriptor.NSEC_OFFSET, (int) (tsNs % 1_000_000_000L));
        ring.set(JAVA_INT, record + Tpacket3HeaderDescriptor.SNAPLEN_OFFSET, snaplen);
        ring.set(JAVA_INT, record + Tpacket3HeaderDescriptor.LEN_OFFSET, wireLen);
        int status = PacketConstants.TP_STATUS_USER;
        if (vlanTci >= 0) {
            status |= PacketConstants.TP_STATUS_VLAN_VALID | PacketConstants.TP_STATUS_VLAN_TPID_VALID;
            ring.set(JAVA_INT, record + Tpacket3HeaderDescriptor.VLAN_TCI_OFFSET, vlanTci);
            ring.set(JAVA_SHORT, record + Tpacket3HeaderDescriptor.VLAN_TPID_OFFSET, (short) vlanTpid);
        }
        if (snaplen < wireLen) {
            status |= PacketConstants.TP_STATUS_COPY;
        }
        ring.set(JAVA_INT, record + Tpacket3HeaderDescriptor.STATUS_OFFSET, status);
        ring.set(JAVA_SHORT, record + Tpacket3HeaderDescriptor.MAC_OFFSET, (short) macOffset);
        ring.set(JAVA_SHORT, record + Tpacket3HeaderDescriptor.NET_OFFSET, (short) (macOffset + ETH_HLEN));
        final long sll = record + Tpacket3HeaderDescriptor.SOCKADDR_LL_OFFSET;
        FrameRingEmulator.writeSockaddrLl(ring, sll, packet, offset, snaplen, pktType, ifindex);
        if (snaplen >= 12) {
            MemorySegment.copy(packet, offset + 6, ring, sll + SockaddrLlDescriptor.ADDR_OFFSET, 6);
        }
        MemorySegment.copy(packet, offset, ring, record + macOffset, snaplen);
        if (lastRecord >= 0) {
            ring.set(JAVA_INT, lastRecord + Tpacket3HeaderDescriptor.NEXT_OFFSET_OFFSET, (int) (record - lastRecord));
        }
        lastRecord = record;
        writeOffset += recordLength;
        packetsInBlock++;
        return true;
    }

    /**
     * Hands the current block to user space if it holds packets (as the kernel does when a block is full or its
     * timeout fires).
     *
     * @return false when it holds none or the block cannot be opened; true when handed over.
     */
    public boolean closeBlock() {
        if (packetsInBlock == 0) {
            return false;
        }
        final long block = blockOffset();
        ring.set(JAVA_INT, block + BlockDescriptor.VERSION_OFFSET, PacketConstants.TPACKET_V3 + 1);
        ring.set(JAVA_INT, block + BlockDescriptor.OFFSET_TO_PRIV_OFFSET, FIRST_RECORD_OFFSET);
        ring.set(JAVA_INT, block + BlockDescriptor.NUM_PKTS_OFFSET, packetsInBlock);
        ring.set(JAVA_INT, block + BlockDescriptor.OFFSET_TO_FIRST_PKT_OFFSET, FIRST_RECORD_OFFSET);
        ring.set(JAVA_INT, block + BlockDescriptor.BLK_LEN_OFFSET, (int) writeOffset);
        ring.set(JAVA_LONG, block + BlockDescriptor.SEQ_NUM_OFFSET, ++sequence);
        ring.set(JAVA_INT, lastRecord + Tpacket3HeaderDescriptor.NEXT_OFFSET_OFFSET, 0);
        // Release: records and header are visible to the reader before it sees TP_STATUS_USER.
        INT_HANDLE.setRelease(ring, block + BlockDescriptor.BLOCK_STATUS_OFFSET, PacketConstants.TP_STATUS_USER);
        blockIndex = blockIndex + 1 == geometry.blockCount() ? 0 : blockIndex + 1;
        packetsInBlock = 0;
        writeOffset = FIRST_RECORD_OFFSET;
        lastRecord = -1;
        return true;
    }

    /**
     * Hands every block back to user space again without rewriting it (for benchmarks that walk the same packets
     * many times). Blocks must have been filled once.
     */
    public void handOverAll() {
        for (int i = 0; i < geometry.blockCount(); i++) {
            // Release: as closeBlock().
            INT_HANDLE.setRelease(
                    ring,
                    (long) i * geometry.blockSize() + BlockDescriptor.BLOCK_STATUS_OFFSET,
                    PacketConstants.TP_STATUS_USER);
        }
    }

    /** @return where packet bytes start relative to their record ({@code tp_mac}). */
    public int macOffset() {
        return macOffset;
    }

    private boolean blockIsKernels(final int index) {
        // Acquire: pairs with the reader's release of the block.
        final int status = (int)
                INT_HANDLE.getAcquire(ring, (long) index * geometry.blockSize() + BlockDescriptor.BLOCK_STATUS_OFFSET);
        return (status & PacketConstants.TP_STATUS_USER) == 0;
    }

    private long blockOffset() {
        return (long) blockIndex * geometry.blockSize();
    }

    private static long align8(final long value) {
        return (value + 7) & ~7L;
    }
}
