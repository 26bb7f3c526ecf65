package io.npflua.engine.bridge;

import io.npflua.engine.counter.WorkerCounter;
import io.npflua.engine.flow.FlowKey;
import io.npflua.engine.output.Forwarder;
import io.npflua.engine.source.Frame;
import io.npflua.ffm.layout.VirtioNetHdrDescriptor;
import io.npflua.ffm.ring.TxRing;
import io.npflua.ffm.socket.PacketSocket;
import io.npflua.ffm.sys.ErrnoException;
import io.npflua.lua.data.InternetChecksum;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Sends passed frames out of a bridge port's TX ring: the bytes are copied native to native from the RX slot (where a
 * rule may have rewritten them) into the next TX frame, and the kernel is kicked every ring batch and after each poll
 * batch ({@link #flush()}); with a direct socket, frames of {@value #DIRECT_BYTES} bytes and more go out straight from
 * their RX slot instead ({@link #sendDirect}). Owned by one worker thread.
 *
 * <p>With vnet headers a super-frame goes out whole with its {@code virtio_net_hdr} (GSO type and segment size, the
 * partial checksum's place), and the kernel cuts it into wire frames on the egress side. A frame that cannot go out is
 * refused by reason ({@link #refusal()}): bigger than a TX slot ({@code forward_oversize}); bigger than the egress MTU
 * and not a super-frame, or a UDP super-frame whose datagrams are ({@code forward_over_mtu}). A TCP super-frame whose
 * segments would exceed the egress MTU (interfaces with different MTUs) is sent with a smaller segment size instead,
 * which TCP allows. The egress MTU is read when the port opens.
 *
 * <p>Without vnet headers a frame with a partial checksum ({@code TP_STATUS_CSUMNOTREADY}: sent by a local stack or a
 * veth peer whose device was to finish it) has its TCP/UDP checksum finished here before it is copied, since nothing
 * further down would.
 */
final class TxForwarder implements Forwarder {
    /** Sends bytes of native memory as one packet: {@link PacketSocket#send}. */
    @FunctionalInterface
    interface DirectSend {
        /**
         * @return bytes sent; 0 when the kernel could not take them now (nothing queued); {@link PacketSocket#DROPPED}
         *     when it took and dropped them (the device's queue, an egress filter)
         * @throws ErrnoException when the interface refused them
         */
        long send(MemorySegment source, long offset, int length);
    }

    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int ETHERNET_HEADER = 14;
    /**
     * Frames this long or longer go out through the direct socket when there is one: for them one copy saved outweighs
     * a send(2) of their own (a TX-ring kick covers a whole batch of small frames).
     */
    static final int DIRECT_BYTES = 16 * 1024;

    /** Locates the L3 and L4 headers: the flow table's parser, one per forwarder (one worker thread). */
    private final FlowKey key = new FlowKey();

    private final TxRing tx;
    /** Sends big frames straight from their RX slot (a ring-less socket of the same port), or null. */
    private final DirectSend direct;

    private final boolean vnet;
    private final int mtu;
    private final String name;
    private final Runnable onClose;
    private WorkerCounter refusal = WorkerCounter.FORWARD_FAILED;
    private long refusedKicks;
    private long resegmented;
    private long sentDirect;
    private long directDeferred;
    private boolean closed;

    /**
     * @param tx  the port's TX ring (with or without vnet headers)
     * @param mtu the egress interface's MTU
     */
    TxForwarder(TxRing tx, int mtu, String name, Runnable onClose) {
        this(tx, null, mtu, name, onClose);
    }

    /**
     * @param tx     the port's TX ring (with or without vnet headers)
     * @param direct with vnet headers: sends frames of {@value #DIRECT_BYTES} bytes or more from their RX slot (a
     *               ring-less socket bound to the same interface with vnet headers, {@link PacketSocket#send}); null to
     *               send every frame from the TX ring
     * @param mtu    the egress interface's MTU
     */
    TxForwarder(TxRing tx, DirectSend direct, int mtu, String name, Runnable onClose) {
        this.tx = tx;
        this.vnet = tx.hasVnetHeader();
        if (direct != null && !vnet) {
            throw new IllegalArgumentException("direct sending needs vnet headers on the TX ring");
        }
        this.direct = direct;
        this.mtu = mtu;
        this.name = name;
        this.onClose = onClose;
    }

    /**
     * Queues the frame; false when the TX ring is full, the frame was cut by a snap length, does not fit a TX frame
     * or the egress MTU, or the interface refused the kick (down): {@link #refusal()} says which. Allocates nothing.
     */
    @Override
    public boolean forward(Frame frame) {
        final int length = frame.capturedLength();
        if (length != frame.wireLength()) {
            return refuse(WorkerCounter.FORWARD_TRUNCATED);
        }
        if (length > tx.maxFrameLength()) {
            return refuse(WorkerCounter.FORWARD_OVERSIZE);
        }
        boolean deferring = false;
        final MemorySegment s = frame.segment();
        final long at = frame.offset();
        final int gsoType = vnet ? frame.gsoType() : Frame.GSO_NONE;
        int gsoSize = 0;
        if (gsoType == Frame.GSO_NONE) {
            // A frame up to MTU + Ethernet header always fits; only longer ones need their link header measured.
            if (length > mtu + ETHERNET_HEADER && length - linkHeaderLength(s, at, length) > mtu) {
                return refuse(WorkerCounter.FORWARD_OVER_MTU);
            }
        } else {
            gsoSize = frame.gsoSize();
            // Every segment repeats the IP header, its extension headers and the TCP/UDP header.
            if (key.parse(s, at, length) != FlowKey.OK || key.protocol() != gsoProtocol(gsoType)) {
                return refuse(WorkerCounter.FORWARD_OVER_MTU); // the headers cannot be measured
            }
            final int headers = key.payloadOffset() - key.networkOffset();
            if (headers + gsoSize > mtu) {
                if ((gsoType & ~Frame.GSO_ECN) == Frame.GSO_UDP_L4 || mtu - headers <= 0) {
                    return refuse(WorkerCounter.FORWARD_OVER_MTU); // each segment is a datagram: cannot be cut smaller
                }
                gsoSize = mtu - headers; // TCP: smaller segments fit the egress MTU
                resegmented++;
            }
        }
        if (direct != null && length >= DIRECT_BYTES) {
            final int sent = sendDirect(frame, s, at, length, gsoType, gsoSize);
            if (sent != DIRECT_NOT_NOW) {
                return sent == DIRECT_SENT || refuse(WorkerCounter.FORWARD_FAILED);
            }
            // Not now (frames still wait in the TX ring, the socket's buffer is full): through the ring, in order.
            // The frame's own vnet header in the slot may have been rewritten by sendDirect with the same values (and
            // without F_DATA_VALID, which nothing reads): what follows reads it as before.
            deferring = true;
        }
        if (!vnet && frame.checksumPartial()) {
            finishChecksum(s, at, length); // no header to hand the partial checksum on: finish it here
        }
        try {
            final boolean queued = vnet
                    ? tx.offer(
                            s,
                            at,
                            length,
                            frame.checksumPartial() ? VirtioNetHdrDescriptor.F_NEEDS_CSUM : 0,
                            gsoType,
                            frame.gsoHeaderLength(),
                            gsoSize,
                            frame.checksumStart(),
                            frame.checksumOffset())
                    : tx.offer(s, at, length);
            if (deferring && queued) {
                directDeferred++;
            }
            return queued || refuse(WorkerCounter.FORWARD_FAILED);
        } catch (ErrnoException e) {
            // The automatic kick failed (e.g. ENETDOWN): the frame stays queued and leaves with a later kick.
            refusedKicks++;
            return refuse(WorkerCounter.FORWARD_FAILED);
        }
    }

    private static final int DIRECT_SENT = 0;
    private static final int DIRECT_NOT_NOW = 1;
    private static final int DIRECT_FAILED = 2;

    /**
     * Sends a big frame from its RX slot with send(2): the vnet header is written in the slot's room for it, right
     * before the frame, after the frames queued in the TX ring were kicked and taken, so that the order holds. The
     * kernel copies the bytes once into pages of its own; from the TX ring they would be copied twice on a veth (into
     * the slot, then out of its pages by the veth, which may not pass user pages on) and once on a device that reads
     * the slot itself.
     *
     * @return {@link #DIRECT_SENT}; {@link #DIRECT_NOT_NOW} when the frame should go through the TX ring instead (not
     *         in a ring slot, frames of the ring not yet taken by the kernel, the socket's send buffer full: EAGAIN);
     *         {@link #DIRECT_FAILED} when the kernel dropped it (ENOBUFS: the device's queue or an egress filter; sent
     *         again through the ring it would be retried there for ever) or the interface refused it (down)
     */
    private int sendDirect(Frame frame, MemorySegment s, long at, int length, int gsoType, int gsoSize) {
        final long header = at - VirtioNetHdrDescriptor.SIZE;
        if (header < 0 || !s.isNative()) {
            return DIRECT_NOT_NOW; // not a ring slot with room for a vnet header before the frame
        }
        flush();
        if (!tx.allTaken()) {
            return DIRECT_NOT_NOW; // the ring's socket could not take them all: this frame must queue behind them
        }
        VirtioNetHdrDescriptor.write(
                s,
                header,
                frame.checksumPartial() ? VirtioNetHdrDescriptor.F_NEEDS_CSUM : 0,
                gsoType,
                frame.gsoHeaderLength(),
                gsoSize,
                frame.checksumStart(),
                frame.checksumOffset());
        try {
            final long sent = direct.send(s, header, length + VirtioNetHdrDescriptor.SIZE);
            if (sent == 0) {
                return DIRECT_NOT_NOW;
            }
            if (sent < 0) {
                return DIRECT_FAILED; // dropped by the kernel: counted as forward_failed, as a full ring is
            }
            sentDirect++;
            return DIRECT_SENT;
        } catch (ErrnoException e) {
            refusedKicks++; // e.g. ENETDOWN: as a refused kick of the ring
            return DIRECT_FAILED;
        }
    }

    private boolean refuse(WorkerCounter reason) {
        refusal = reason;
        return false;
    }

    /** Ethernet header plus up to two VLAN tags (802.1Q, 802.1ad) written in the frame. */
    private int linkHeaderLength(MemorySegment s, long at, int length) {
        key.parse(s, at, length);
        return key.networkOffset();
    }

    /** The IP protocol a GSO type segments: TCP or UDP. */
    private static int gsoProtocol(int gsoType) {
        return (gsoType & ~Frame.GSO_ECN) == Frame.GSO_UDP_L4 ? FlowKey.PROTO_UDP : FlowKey.PROTO_TCP;
    }

    /**
     * Finishes a partial TCP/UDP checksum (TP_STATUS_CSUMNOTREADY on a ring without vnet headers: a frame a local
     * sender's device was to checksum) as the device would: the field holds the pseudo-header sum, so the checksum of
     * the transport segment as it is, from its first byte to the end of the IP packet, is the value to store. IPv4 and
     * IPv6 (after its extension headers), behind up to two VLAN tags, located by the flow table's parser; anything
     * else, and a datagram not wholly in the frame, is left as it is. Allocates nothing.
     */
    private void finishChecksum(MemorySegment s, long at, int length) {
        if (key.parse(s, at, length) != FlowKey.OK) {
            return;
        }
        final int protocol = key.protocol();
        final int field = protocol == FlowKey.PROTO_TCP ? 16 : protocol == FlowKey.PROTO_UDP ? 6 : -1;
        final int l4 = key.transportOffset();
        final int end = key.datagramEnd();
        if (field < 0 || end > length) {
            return;
        }
        int sum = InternetChecksum.checksum(s, at + l4, end - l4);
        if (sum == 0 && protocol == FlowKey.PROTO_UDP) {
            sum = 0xffff; // RFC 768: a computed zero goes out as all ones
        }
        s.set(BE16, at + l4 + field, (short) sum);
    }

    /** Why the last {@link #forward} returned false. */
    @Override
    public WorkerCounter refusal() {
        return refusal;
    }

    /**
     * Kicks the kernel; an interface that is down is not an error here (the frames wait in the ring). Also when nothing
     * new was queued but a kick left frames behind (the ring socket's send buffer was full): the worker calls this
     * after every poll of the route, so they leave without waiting for more traffic in their direction. Allocation-free;
     * one load when there is nothing to send.
     */
    @Override
    public void flush() {
        if (tx.pending() == 0 && tx.allTaken()) {
            return;
        }
        try {
            tx.flush();
        } catch (ErrnoException e) {
            refusedKicks++;
        }
    }

    /** Kicks the kernel refused since the port was opened (interface down). */
    public long refusedKicks() {
        return refusedKicks;
    }

    /** Frames sent from their RX slot by the direct socket. */
    @Override
    public long sentDirect() {
        return sentDirect;
    }

    /**
     * Frames big enough for the direct socket that were queued in the TX ring instead (not now: {@link #sendDirect}).
     */
    long directDeferred() {
        return directDeferred;
    }

    /** TCP super-frames sent with a smaller segment size to fit the egress MTU. */
    long resegmented() {
        return resegmented;
    }

    /** Flushes and releases this forwarder's share of the port. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            flush();
            onClose.run();
        }
    }

    @Override
    public String toString() {
        return "TxForwarder[" + name + ']';
    }
}
