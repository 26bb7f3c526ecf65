package io.npflua.ffm.ring;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.npflua.ffm.layout.BlockDescriptor;
import io.npflua.ffm.layout.PacketConstants;
import io.npflua.ffm.layout.Tpacket3HeaderDescriptor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * A TPACKET_V3 receive ring: the kernel fills whole blocks with packet records and hands each block over by setting
 * TP_STATUS_USER in its {@code block_status}; this walker reads the block's {@code num_pkts} records in order and
 * gives the block back (TP_STATUS_KERNEL) as soon as the last record was handled.
 *
 * <p>Works on any segment laid out like the kernel's ring (the mapped ring of a socket, or a synthetic ring in a test
 * or benchmark): the code path is the same.
 */
public final class BlockRing implements RxRing {
    private static final VarHandle INT_HANDLE = JAVA_INT.varHandle();

    private final MemorySegment ring;
    private final RingGeometry geometry;
    private final SliceScope scope;
    private final boolean reinsertVlan;
    private final PacketFrame frame = new PacketFrame(RingVersion.V3);

    private int blockIndex;
    private long blockOffset;
    private boolean blockOpen;
    private int remaining;
    private long recordOffset;
    private Arena blockArena;
    private long viewBase;

    /**
     * @param ring         the ring memory, {@code geometry.sizeBytes()} long, block-aligned.
     * @param geometry     its validated geometry.
     * @param scope        how long frame segments stay readable.
     * @param reinsertVlan write stripped VLAN tags back into the frames (the socket must have PACKET_RESERVE >= 4).
     */
    public BlockRing(
            final MemorySegment ring, final RingGeometry geometry, final SliceScope scope, final boolean reinsertVlan) {
        this.ring = geometry.requireFits(ring);
        this.geometry = geometry;
        this.scope = scope;
        this.reinsertVlan = reinsertVlan;
    }

    @Override
    public int poll(final FrameHandler handler, final int limit) {
        int handled = 0;
        while (handled < limit) {
            if (blockOpen && remaining == 0) {
                releaseBlock();
            }
            if (!blockOpen && !openBlock()) {
                break;
            }
            // Inner loop over the open block's records; the fields are written before each handler call so that a
            // handler that throws leaves the walker at the next record.
            int left = remaining;
            while (left > 0 && handled < limit) {
                readRecord();
                remaining = --left;
                handled++;
                handler.onFrame(frame);
            }
        }
        if (blockOpen && remaining == 0) {
            // Give the block back at once rather than on the next poll: the kernel may be waiting for it.
            releaseBlock();
        }
        return handled;
    }

    @Override
    public boolean isReadable() {
        if (blockOpen) {
            return true;
        }
        // Acquire: pairs with the kernel's release of the block; a hint only, poll() loads again.
        final int status = (int) INT_HANDLE.getAcquire(ring, blockOffset + BlockDescriptor.BLOCK_STATUS_OFFSET);
        return (status & PacketConstants.TP_STATUS_USER) != 0;
    }

    @Override
    public RingVersion version() {
        return RingVersion.V3;
    }

    @Override
    public RingGeometry geometry() {
        return geometry;
    }

    @Override
    public void releaseAll() {
        if (blockOpen) {
            releaseBlock();
        }
    }

    /** @return the index of the block the walker reads next (or is reading). */
    public int blockIndex() {
        return blockIndex;
    }

    private boolean openBlock() {
        // Acquire: the kernel stores the records, then the status; we must see all of them once we see TP_STATUS_USER.
        final int status = (int) INT_HANDLE.getAcquire(ring, blockOffset + BlockDescriptor.BLOCK_STATUS_OFFSET);
        if ((status & PacketConstants.TP_STATUS_USER) == 0) {
            return false;
        }
        remaining = ring.get(JAVA_INT, blockOffset + BlockDescriptor.NUM_PKTS_OFFSET);
        recordOffset = blockOffset
                + Integer.toUnsignedLong(ring.get(JAVA_INT, blockOffset + BlockDescriptor.OFFSET_TO_FIRST_PKT_OFFSET));
        if (scope == SliceScope.BLOCK) {
            blockArena = Arena.ofConfined();
            frame.segment = ring.asSlice(blockOffset, geometry.blockSize()).reinterpret(blockArena, null);
            viewBase = blockOffset;
        } else {
            frame.segment = ring;
            viewBase = 0;
        }
        blockOpen = true;
        return true;
    }

    private void readRecord() {
        final MemorySegment ring = this.ring;
        final long record = recordOffset;
        frame.load(
                ring,
                record,
                viewBase,
                ring.get(JAVA_INT, record + Tpacket3HeaderDescriptor.STATUS_OFFSET),
                Short.toUnsignedInt(ring.get(JAVA_SHORT, record + Tpacket3HeaderDescriptor.MAC_OFFSET)),
                ring.get(JAVA_INT, record + Tpacket3HeaderDescriptor.SNAPLEN_OFFSET),
                ring.get(JAVA_INT, record + Tpacket3HeaderDescriptor.LEN_OFFSET),
                reinsertVlan);
        recordOffset = record
                + Integer.toUnsignedLong(ring.get(JAVA_INT, record + Tpacket3HeaderDescriptor.NEXT_OFFSET_OFFSET));
    }

    private void releaseBlock() {
        if (blockArena != null) {
            // Close first: a slice kept by the handler must fail before the kernel may overwrite the block.
            blockArena.close();
            blockArena = null;
        }
        frame.segment = MemorySegment.NULL;
        // Release: our reads (and VLAN rewrites) of the block happen-before the kernel sees it as its own again.
        INT_HANDLE.setRelease(
                ring, blockOffset + BlockDescriptor.BLOCK_STATUS_OFFSET, PacketConstants.TP_STATUS_KERNEL);
        blockOpen = false;
        remaining = 0;
        blockIndex = blockIndex + 1 == geometry.blockCount() ? 0 : blockIndex + 1;
        blockOffset = (long) blockIndex * geometry.blockSize();
    }
}
