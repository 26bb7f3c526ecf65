package io.npflua.ffm.ring;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.npflua.ffm.layout.PacketConstants;
import io.npflua.ffm.layout.Tpacket2HeaderDescriptor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * A TPACKET_V2 receive ring: fixed frames, each owned by user space while its {@code tp_status} has
 * TP_STATUS_USER. Frames handled in one {@link #poll(FrameHandler, int)} are returned to the kernel when the call
 * ends (with {@link SliceScope#BLOCK}, after their shared arena was closed), or right after each handler call with
 * {@link SliceScope#RING}.
 *
 * <p>Works on any segment laid out like the kernel's ring: the code path is the same for live and synthetic rings.
 */
public final class FrameRing implements RxRing {
    private static final VarHandle INT_HANDLE = JAVA_INT.varHandle();

    private final MemorySegment ring;
    private final RingGeometry geometry;
    private final SliceScope scope;
    private final boolean reinsertVlan;
    private final PacketFrame frame;
    // The next frame to read, and the first frame of the current BLOCK-scope batch (released when the poll ends).
    private final FrameCursor next;
    private final FrameCursor batchStart;

    /**
     * @param ring         the ring memory, {@code geometry.sizeBytes()} long.
     * @param geometry     its validated geometry.
     * @param scope        how long frame segments stay readable.
     * @param reinsertVlan write stripped VLAN tags back into the frames (the socket must have PACKET_RESERVE >= 4).
     */
    public FrameRing(
            final MemorySegment ring, final RingGeometry geometry, final SliceScope scope, final boolean reinsertVlan) {
        this(ring, geometry, scope, reinsertVlan, false);
    }

    /**
     * @param ring         the ring memory, {@code geometry.sizeBytes()} long.
     * @param geometry     its validated geometry.
     * @param scope        how long frame segments stay readable.
     * @param reinsertVlan write stripped VLAN tags back into the frames (the socket must have PACKET_RESERVE >= 4).
     * @param vnetHeader   the socket has PACKET_VNET_HDR: a virtio_net_hdr precedes each frame.
     */
    public FrameRing(
            final MemorySegment ring,
            final RingGeometry geometry,
            final SliceScope scope,
            final boolean reinsertVlan,
            final boolean vnetHeader) {
        this.frame = new PacketFrame(RingVersion.V2, vnetHeader);
        this.ring = geometry.requireFits(ring);
        this.geometry = geometry;
        this.scope = scope;
        this.reinsertVlan = reinsertVlan;
        this.next = new FrameCursor(geometry);
        this.batchStart = new FrameCursor(geometry);
    }

    @Override
    public int poll(final FrameHandler handler, final int limit) {
        batchStart.moveTo(next);
        int handled = 0;
        Arena batch = null;
        try {
            while (handled < limit) {
                final long offset = next.offset();
                // Acquire: the kernel writes the frame, then its status; seeing TP_STATUS_USER must imply the bytes.
                final int status = (int) INT_HANDLE.getAcquire(ring, offset + Tpacket2HeaderDescriptor.STATUS_OFFSET);
                if ((status & PacketConstants.TP_STATUS_USER) == 0) {
                    break;
                }
                if (scope == SliceScope.BLOCK) {
                    if (batch == null) {
                        batch = Arena.ofConfined();
                        frame.segment = ring.reinterpret(batch, null);
                    }
                } else {
                    frame.segment = ring;
                }
                readFrame(offset, status);
                next.advance();
                handled++;
                try {
                    handler.onFrame(frame);
                } finally {
                    if (batch == null) {
                        // Release: our reads of this frame happen-before the kernel reuses it.
                        INT_HANDLE.setRelease(
                                ring,
                                offset + Tpacket2HeaderDescriptor.STATUS_OFFSET,
                                PacketConstants.TP_STATUS_KERNEL);
                    }
                }
            }
        } finally {
            if (batch != null) {
                // Close first: slices kept by the handler must fail before the kernel may overwrite the frames.
                batch.close();
                frame.segment = MemorySegment.NULL;
                releaseBatch(handled);
            }
        }
        return handled;
    }

    private void releaseBatch(final int count) {
        final FrameCursor cursor = batchStart;
        for (int i = 0; i < count; i++) {
            // Release: our reads of the frame happen-before the kernel reuses it.
            INT_HANDLE.setRelease(
                    ring, cursor.offset() + Tpacket2HeaderDescriptor.STATUS_OFFSET, PacketConstants.TP_STATUS_KERNEL);
            cursor.advance();
        }
    }

    @Override
    public boolean isReadable() {
        // Acquire: pairs with the kernel's release of the frame; a hint only, poll() loads again.
        final int status = (int) INT_HANDLE.getAcquire(ring, next.offset() + Tpacket2HeaderDescriptor.STATUS_OFFSET);
        return (status & PacketConstants.TP_STATUS_USER) != 0;
    }

    @Override
    public RingVersion version() {
        return RingVersion.V2;
    }

    @Override
    public RingGeometry geometry() {
        return geometry;
    }

    @Override
    public void releaseAll() {
        // Frames are never held between polls.
    }

    private void readFrame(final long offset, final int status) {
        final MemorySegment ring = this.ring;
        frame.load(
                ring,
                offset,
                0,
                status,
                Short.toUnsignedInt(ring.get(JAVA_SHORT, offset + Tpacket2HeaderDescriptor.MAC_OFFSET)),
                ring.get(JAVA_INT, offset + Tpacket2HeaderDescriptor.SNAPLEN_OFFSET),
                ring.get(JAVA_INT, offset + Tpacket2HeaderDescriptor.LEN_OFFSET),
                reinsertVlan);
    }
}
