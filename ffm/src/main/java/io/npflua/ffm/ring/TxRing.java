package io.npflua.ffm.ring;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.npflua.ffm.layout.PacketConstants;
import io.npflua.ffm.layout.Tpacket2HeaderDescriptor;
import io.npflua.ffm.layout.VirtioNetHdrDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * A TPACKET_V2 transmit ring: frames are filled strictly in ring order, marked TP_STATUS_SEND_REQUEST with a release
 * store, and the kernel is kicked ({@code send(fd, NULL, 0, MSG_DONTWAIT)}) once per batch or on {@link #flush()}.
 * The kernel sets a frame back to TP_STATUS_AVAILABLE when it is done with it. With PACKET_LOSS on (the socket's
 * default), a frame the kernel rejects is skipped instead of stalling the ring.
 *
 * <p>On a socket with {@code PACKET_VNET_HDR} ({@link #hasVnetHeader()}) every frame starts with a {@code struct
 * virtio_net_hdr}: {@link #offer(MemorySegment, long, int, int, int, int, int, int, int)} writes it, and the kernel
 * then takes a super-frame up to the slot's size (no MTU check for a GSO frame) and segments it, or finishes a partial
 * checksum, on its way out.
 *
 * <p>Single producer: one thread offers and flushes.
 */
public final class TxRing {
    /**
     * Tells the kernel to send every frame marked SEND_REQUEST.
     */
    @FunctionalInterface
    public interface Kick {
        /**
         * @return bytes queued by the kernel, or 0 when nothing could be queued now.
         */
        long kick();
    }

    private static final VarHandle INT_HANDLE = JAVA_INT.varHandle();

    private final MemorySegment ring;
    private final RingGeometry geometry;
    private final Kick kick;
    private final int batchSize;
    private final int maxFrameLength;
    private final boolean vnet;
    // The next frame to fill.
    private final FrameCursor next;
    private int pending;
    /** The ring offset of the frame offered last, or -1 before the first. */
    private long lastOffered = -1;

    private long offered;
    private long oversize;
    private long wrongFormat;

    /**
     * @param ring      the TX ring memory, {@code geometry.sizeBytes()} long.
     * @param geometry  its validated geometry.
     * @param kick      how to kick the kernel.
     * @param batchSize offers between automatic kicks (1 = kick on every frame).
     */
    public TxRing(final MemorySegment ring, final RingGeometry geometry, final Kick kick, final int batchSize) {
        this(ring, geometry, kick, batchSize, false);
    }

    /**
     * @param ring       the TX ring memory, {@code geometry.sizeBytes()} long.
     * @param geometry   its validated geometry.
     * @param kick       how to kick the kernel.
     * @param batchSize  offers between automatic kicks (1 = kick on every frame).
     * @param vnetHeader the socket has PACKET_VNET_HDR: each frame starts with a virtio_net_hdr.
     */
    public TxRing(
            final MemorySegment ring,
            final RingGeometry geometry,
            final Kick kick,
            final int batchSize,
            final boolean vnetHeader) {
        geometry.requireFits(ring);
        if (batchSize < 1) {
            throw new IllegalArgumentException("TX batch size must be >= 1, got " + batchSize);
        }
        this.ring = ring;
        this.geometry = geometry;
        this.kick = kick;
        this.batchSize = batchSize;
        this.vnet = vnetHeader;
        this.maxFrameLength = geometry.frameSize()
                - Tpacket2HeaderDescriptor.TX_DATA_OFFSET
                - (vnetHeader ? VirtioNetHdrDescriptor.SIZE : 0);
        this.next = new FrameCursor(geometry);
    }

    /**
     * Copies a packet into the next frame (native to native when {@code source} is native) and marks it for sending;
     * kicks the kernel every {@code batchSize} frames. Allocation-free.
     *
     * @param source the packet's segment, e.g. {@link PacketFrame#segment()} of another ring.
     * @param offset where the packet starts in {@code source}.
     * @param length bytes to send.
     * @return true when queued; false when the ring is full (the next frame is still the kernel's) or the packet is
     *         longer than {@link #maxFrameLength()} (counted in {@link #oversizeCount()}).
     */
    public boolean offer(final MemorySegment source, final long offset, final int length) {
        return offer(source, offset, length, 0, 0, 0, 0, 0, 0);
    }

    /**
     * As {@link #offer(MemorySegment, long, int)}, with the {@code virtio_net_hdr} fields written before the frame when
     * the socket has vnet headers (ignored otherwise): a GSO super-frame is segmented by the kernel into
     * {@code gsoSize}-byte payloads, a partial checksum ({@code F_NEEDS_CSUM}) is finished from {@code csumStart}.
     * Allocation-free.
     *
     * @param source     the packet's segment.
     * @param offset     where the packet starts in {@code source}.
     * @param length     bytes to send.
     * @param flags      VIRTIO_NET_HDR_F_* (only F_NEEDS_CSUM means anything on send).
     * @param gsoType    VIRTIO_NET_HDR_GSO_* (| GSO_ECN), 0 for a frame sent as it is.
     * @param hdrLen     length of the headers (a hint; 0 lets the kernel choose).
     * @param gsoSize    payload bytes per segment.
     * @param csumStart  with F_NEEDS_CSUM: where checksumming starts, from the packet's first byte.
     * @param csumOffset with F_NEEDS_CSUM: where the checksum goes, from {@code csumStart}.
     * @return as {@link #offer(MemorySegment, long, int)}.
     */
    public boolean offer(
            final MemorySegment source,
            final long offset,
            final int length,
            final int flags,
            final int gsoType,
            final int hdrLen,
            final int gsoSize,
            final int csumStart,
            final int csumOffset) {
        if (length > maxFrameLength || length < 0) {
            oversize++;
            return false;
        }
        final long frame = next.offset();
        // Acquire: the kernel's last read of this frame (and its status store) happens-before we overwrite it.
        final int status = (int) INT_HANDLE.getAcquire(ring, frame + Tpacket2HeaderDescriptor.STATUS_OFFSET);
        if (status != PacketConstants.TP_STATUS_AVAILABLE) {
            if ((status & PacketConstants.TP_STATUS_WRONG_FORMAT) == 0) {
                return false;
            }
            // Without PACKET_LOSS the kernel parks a rejected frame as WRONG_FORMAT: count it and reuse the slot.
            wrongFormat++;
        }
        long data = frame + Tpacket2HeaderDescriptor.TX_DATA_OFFSET;
        int total = length;
        if (vnet) {
            // virtio_net_hdr: 16-bit fields little-endian (legacy virtio = native on x86-64); tp_len counts it.
            VirtioNetHdrDescriptor.write(ring, data, flags, gsoType, hdrLen, gsoSize, csumStart, csumOffset);
            data += VirtioNetHdrDescriptor.SIZE;
            total += VirtioNetHdrDescriptor.SIZE;
        }
        MemorySegment.copy(source, offset, ring, data, length);
        ring.set(JAVA_INT, frame + Tpacket2HeaderDescriptor.LEN_OFFSET, total);
        // Release: the bytes and tp_len must be visible to the kernel before it sees SEND_REQUEST.
        INT_HANDLE.setRelease(
                ring, frame + Tpacket2HeaderDescriptor.STATUS_OFFSET, PacketConstants.TP_STATUS_SEND_REQUEST);
        lastOffered = frame;
        next.advance();
        offered++;
        if (++pending >= batchSize) {
            flush();
        }
        return true;
    }

    /**
     * Sends a received frame as it is (its bytes as exposed, VLAN tag included when re-inserted). Allocation-free.
     *
     * @param frame a frame from an {@link RxRing}, during its handler call.
     * @return as {@link #offer(MemorySegment, long, int)}.
     */
    public boolean offer(final PacketFrame frame) {
        return offer(
                frame.segment(),
                frame.dataOffset(),
                frame.capturedLength(),
                frame.vnetFlags(),
                frame.gsoType(),
                frame.vnetHeaderLength(),
                frame.gsoSize(),
                frame.csumStart(),
                frame.csumOffset());
    }

    /**
     * Kicks the kernel to send every frame marked so far, without waiting.
     *
     * @return bytes the kernel queued (0 if it could not take any now).
     */
    public long flush() {
        pending = 0;
        return kick.kick();
    }

    /** @return frames offered but not yet kicked. */
    public int pending() {
        return pending;
    }

    /** @return true when each frame starts with a virtio_net_hdr (the socket has PACKET_VNET_HDR). */
    public boolean hasVnetHeader() {
        return vnet;
    }

    /** @return the largest packet a frame holds. */
    public int maxFrameLength() {
        return maxFrameLength;
    }

    /** @return packets accepted by {@link #offer} since creation. */
    public long offeredCount() {
        return offered;
    }

    /** @return packets refused because they were longer than {@link #maxFrameLength()}. */
    public long oversizeCount() {
        return oversize;
    }

    /** @return frames found parked as TP_STATUS_WRONG_FORMAT (only without PACKET_LOSS). */
    public long wrongFormatCount() {
        return wrongFormat;
    }

    /**
     * Whether the kernel has taken every frame offered so far (none is still marked SEND_REQUEST), so that a packet
     * sent another way now leaves after them. The kernel takes frames in ring order (`tpacket_snd` advances its head
     * once per frame taken or skipped), so the one offered last says it. A kick ({@link #flush()}) may leave frames
     * behind when the socket's send buffer is full. That order holds with PACKET_LOSS (bridge ports have it): without
     * it the kernel parks a rejected frame as WRONG_FORMAT at its head and {@link #offer} reuses that slot out of
     * order, so once that happened this answers false for good. Allocation-free.
     */
    public boolean allTaken() {
        if (wrongFormat > 0) {
            return false;
        }
        final long last = lastOffered;
        // Acquire: pairs with the kernel's store of SENDING (or AVAILABLE) once it took the frame.
        return last < 0
                || ((int) INT_HANDLE.getAcquire(ring, last + Tpacket2HeaderDescriptor.STATUS_OFFSET)
                                & PacketConstants.TP_STATUS_SEND_REQUEST)
                        == 0;
    }

    /**
     * Scans the whole ring (not for the per-packet path).
     *
     * @return how many frames the kernel has not finished with yet (SEND_REQUEST or SENDING).
     */
    public int inFlight() {
        int count = 0;
        for (int i = 0; i < geometry.frameCount(); i++) {
            // Acquire: pairs with the kernel's store of TP_STATUS_AVAILABLE.
            final int status =
                    (int) INT_HANDLE.getAcquire(ring, geometry.frameOffset(i) + Tpacket2HeaderDescriptor.STATUS_OFFSET);
            if ((status & (PacketConstants.TP_STATUS_SEND_REQUEST | PacketConstants.TP_STATUS_SENDING)) != 0) {
                count++;
            }
        }
        return count;
    }

    /** @return the ring's geometry. */
    public RingGeometry geometry() {
        return geometry;
    }
}
