package io.npflua.engine.source.ring;

import io.npflua.engine.source.AbstractFrameSource;
import io.npflua.engine.source.Frame;
import io.npflua.engine.source.FrameConsumer;
import io.npflua.engine.source.FrameSource;
import io.npflua.engine.source.SourceGoneException;
import io.npflua.engine.source.SourceStats;
import io.npflua.ffm.layout.PacketConstants;
import io.npflua.ffm.layout.VirtioNetHdrDescriptor;
import io.npflua.ffm.ring.FrameHandler;
import io.npflua.ffm.ring.PacketFrame;
import io.npflua.ffm.ring.RxRing;
import io.npflua.ffm.socket.BpfInstruction;
import io.npflua.ffm.socket.BpfProgram;
import io.npflua.ffm.socket.PacketSocket;
import io.npflua.ffm.socket.PacketStatistics;
import io.npflua.ffm.socket.WaitResult;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link FrameSource} over the RX ring of one {@link PacketSocket}: TPACKET_V3 for capture, TPACKET_V2 for a bridge
 * port. Owned by one worker thread, which polls, waits and finally closes; any thread may call {@link #wakeup()}.
 *
 * <p><b>Zero copy, zero allocation.</b> The socket is opened with {@code SliceScope.RING}: {@link Frame#segment()} is
 * the whole ring mapping and {@link Frame#offset()} the frame's place in it, so handing a frame out allocates nothing
 * (no per-block arena). Lifetime is enforced by the consumer instead: the frame is valid only during
 * {@link FrameConsumer#onFrame}, and the Lua {@code data} object bound to it is released when the call returns
 * (further access raises an error), so no script can read a slot the kernel is rewriting.
 *
 * <p><b>Faults.</b> When a poll finds nothing, the source looks at the socket's error state at most every
 * {@value #FAULT_CHECK_MS} ms (a zero-timeout poll(2)): an interface that is down just yields no frames and the same
 * socket resumes when it is up; a deleted interface makes {@link #poll} throw {@link SourceGoneException}.
 *
 * <p><b>Super-frames.</b> On a socket with vnet headers (an inline bridge by default) the frame's {@link Frame.Header}
 * also reads the kernel's {@code virtio_net_hdr} in the slot on demand: partial checksum, GSO type and segment size.
 *
 * <p><b>Stats.</b> {@link #readStats} adds the deltas of {@code PACKET_STATISTICS} (cleared on read by the kernel;
 * {@code tp_packets} includes {@code tp_drops}). {@link #quiesce()} attaches a drop-all classic BPF program (packets
 * a filter rejects are not counted in {@code tp_packets}) and waits for the kernel to retire the open V3 block, so that
 * the worker's final drain sees every frame the kernel counted.
 */
public final class RingFrameSource extends AbstractFrameSource {
    /** How often (at most) an idle source checks whether its interface went down or away. */
    static final long FAULT_CHECK_MS = 100;

    private static final long FAULT_CHECK_NS = TimeUnit.MILLISECONDS.toNanos(FAULT_CHECK_MS);
    private static final BpfProgram DROP_ALL = BpfProgram.of(BpfInstruction.RET_K, 0, 0, 0);

    private final PacketSocket socket;
    private final RxRing ring;
    private final boolean writable;
    private final long quiesceWaitMs;
    private final Runnable onClose;
    private final Adapter adapter = new Adapter();

    private FrameConsumer consumer;
    private long nextFaultCheckNs;
    private long reportedPackets;
    private long reportedDrops;
    private long reportedFreezes;
    private String goneReason;
    private boolean down;

    /**
     * @param socket        an open socket with an RX ring in {@code SliceScope.RING}; this source closes it (through
     *                      {@code onClose} when given, e.g. a bridge port shared with a forwarder)
     * @param name          for messages, e.g. {@code eth0#1}
     * @param writable      whether rules may modify frames (inline bridge)
     * @param quiesceWaitMs how long {@link #quiesce()} waits for the kernel to hand over frames it already counted
     *                      (twice the V3 block timeout plus a little; 1 ms for V2)
     * @param onClose       what closing does, or null to close the socket
     */
    public RingFrameSource(PacketSocket socket, String name, boolean writable, long quiesceWaitMs, Runnable onClose) {
        super(name);
        this.socket = socket;
        this.ring = socket.rxRing();
        this.writable = writable;
        this.quiesceWaitMs = quiesceWaitMs;
        this.onClose = onClose != null ? onClose : socket::close;
        this.nextFaultCheckNs = System.nanoTime() + FAULT_CHECK_NS;
    }

    /**
     * A source over a ring without a socket (a synthetic ring filled by {@code BlockRingEmulator}): the same frame
     * walk and hand-out code as a live source, for the JIT warm-up and tests. It never waits, has no kernel counters
     * and no faults; closing it runs {@code onClose} (or nothing).
     */
    public static RingFrameSource overRing(RxRing ring, String name, boolean writable, Runnable onClose) {
        return new RingFrameSource(ring, name, writable, onClose);
    }

    private RingFrameSource(RxRing ring, String name, boolean writable, Runnable onClose) {
        super(name);
        this.socket = null;
        this.ring = ring;
        this.writable = writable;
        this.quiesceWaitMs = 0;
        this.onClose = onClose != null ? onClose : () -> {};
        this.nextFaultCheckNs = Long.MAX_VALUE;
    }

    /** Hands up to {@code limit} frames from the ring to {@code consumer}. Allocates nothing. */
    @Override
    public int poll(FrameConsumer consumer, int limit) {
        ensureOpen();
        if (goneReason != null) {
            throw new SourceGoneException(goneReason);
        }
        this.consumer = consumer;
        final int n = ring.poll(adapter, limit);
        if (n == 0 && socket != null) {
            final long now = System.nanoTime();
            if (now - nextFaultCheckNs >= 0) {
                nextFaultCheckNs = now + FAULT_CHECK_NS;
                checkFaults(socket.await(0));
            }
        } else {
            down = false;
        }
        return n;
    }

    /** Waits in poll(2) until frames are ready, a wakeup, or the timeout. Allocates nothing on the normal path. */
    @Override
    public boolean await(long timeoutNs) {
        if (isClosed() || socket == null) {
            return false;
        }
        final int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(timeoutNs)));
        final WaitResult result = socket.await(ms);
        if (result == WaitResult.READY) {
            return true;
        }
        // A gone interface is reported by the next poll (the worker handles SourceGoneException only there).
        return noteFaults(result);
    }

    private void checkFaults(WaitResult result) {
        if (noteFaults(result)) {
            throw new SourceGoneException(goneReason);
        }
    }

    /** Records what a wait saw; true when the interface is gone. */
    private boolean noteFaults(WaitResult result) {
        switch (result) {
            case INTERFACE_GONE ->
                goneReason = "interface " + socket.interfaceName() + " was deleted (" + describe(socket.lastError())
                        + "); " + name + " stops";
            case INTERFACE_DOWN -> down = true;
            case READY -> down = false;
            default -> {
                // TIMEOUT, WAKEUP; ERROR is re-examined at the next check.
            }
        }
        return goneReason != null;
    }

    private static String describe(String error) {
        return error == null ? "no such device" : error;
    }

    @Override
    public boolean canAwait() {
        return socket != null;
    }

    @Override
    public boolean live() {
        return true;
    }

    /** True while the last fault check saw the interface down (diagnostics). */
    public boolean interfaceDown() {
        return down;
    }

    /** Adds the kernel's counters since the previous call. Called on the worker's thread. */
    @Override
    public void readStats(SourceStats into) {
        if (socket == null) {
            return;
        }
        // PacketSocket accumulates the cleared-on-read kernel counters; report the part not yet reported.
        final PacketStatistics total = socket.statistics();
        into.add(total.packets() - reportedPackets, total.drops() - reportedDrops, total.freezes() - reportedFreezes);
        reportedPackets = total.packets();
        reportedDrops = total.drops();
        reportedFreezes = total.freezes();
    }

    /**
     * Attaches a drop-all filter, then waits {@code quiesceWaitMs}: frames that passed the old filter on another CPU
     * reach the ring, and the kernel retires the V3 block it was filling, so the drain that follows sees them.
     */
    @Override
    public void quiesce() {
        if (isClosed() || goneReason != null || socket == null) {
            return;
        }
        socket.attachFilter(DROP_ALL);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(quiesceWaitMs));
    }

    /** Makes a concurrent {@link #await} return early. Any thread. */
    public void wakeup() {
        if (socket != null) {
            socket.wakeup();
        }
    }

    /** The socket behind this source (for a forwarder sharing a bridge port, and diagnostics); null over a bare ring. */
    public PacketSocket socket() {
        return socket;
    }

    /** Releases the ring and the socket (or the share of a bridge port), once; on the worker's thread. */
    @Override
    protected void release() {
        onClose.run();
    }

    /**
     * Re-points the engine's frame at the ring's frame, and is that frame's {@link Frame.Header}: time, interface,
     * direction and VLAN tag are read from the slot's {@code tpacket} header only when asked for, through the ring's
     * own flyweight. The ring keeps its place if the consumer throws.
     */
    private final class Adapter implements FrameHandler, Frame.Header {
        private PacketFrame current;

        /** Per frame: three field stores, no header reads. Allocates nothing. */
        @Override
        public void onFrame(PacketFrame f) {
            current = f;
            frame.wrap(f.segment(), f.dataOffset(), f.capturedLength(), f.wireLength(), writable, this);
            consumer.onFrame(frame);
        }

        @Override
        public long timestampNs() {
            return current.timestampNs();
        }

        @Override
        public int ifindex() {
            return current.ifindex();
        }

        @Override
        public int direction() {
            return current.packetType() == PacketConstants.PACKET_OUTGOING
                    ? Frame.DIRECTION_OUTBOUND
                    : Frame.DIRECTION_INBOUND;
        }

        @Override
        public int vlanTci() {
            return strippedTag() ? current.vlanTci() & 0xffff : Frame.NO_VLAN;
        }

        @Override
        public int vlanTpid() {
            if (!strippedTag()) {
                return 0;
            }
            final int tpid = current.vlanTpidValid() ? current.vlanTpid() : 0;
            return tpid == 0 ? 0x8100 : tpid & 0xffff;
        }

        /** The vnet header's NEEDS_CSUM; without vnet headers the ring's {@code TP_STATUS_CSUMNOTREADY}. */
        @Override
        public boolean checksumPartial() {
            return current.hasVnetHeader()
                    ? (current.vnetFlags() & VirtioNetHdrDescriptor.F_NEEDS_CSUM) != 0
                    : (current.status() & PacketConstants.TP_STATUS_CSUMNOTREADY) != 0;
        }

        @Override
        public int checksumStart() {
            return current.csumStart();
        }

        @Override
        public int checksumOffset() {
            return current.csumOffset();
        }

        @Override
        public int gsoType() {
            return current.gsoType();
        }

        @Override
        public int gsoSize() {
            return current.gsoSize();
        }

        @Override
        public int gsoHeaderLength() {
            return current.vnetHeaderLength();
        }

        /** A tag the kernel stripped and the ring did not write back into the bytes. */
        private boolean strippedTag() {
            return current.vlanValid() && !current.vlanTagInData();
        }
    }
}
