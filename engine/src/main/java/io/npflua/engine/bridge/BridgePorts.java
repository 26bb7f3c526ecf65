package io.npflua.engine.bridge;

import io.npflua.engine.agent.IdleStrategy;
import io.npflua.engine.output.Forwarder;
import io.npflua.engine.output.ForwarderFactory;
import io.npflua.engine.source.FrameSource;
import io.npflua.engine.source.SourceRequest;
import io.npflua.engine.source.ring.LiveCaptureOptions;
import io.npflua.engine.source.ring.LiveSourceFactory;
import io.npflua.engine.source.ring.RingFrameSource;
import io.npflua.ffm.ring.RingGeometry;
import io.npflua.ffm.ring.SliceScope;
import io.npflua.ffm.socket.Fanout;
import io.npflua.ffm.socket.FanoutFlag;
import io.npflua.ffm.socket.FanoutMode;
import io.npflua.ffm.socket.OffloadChange;
import io.npflua.ffm.socket.PacketSocket;
import io.npflua.ffm.socket.PacketSocketOptions;
import io.npflua.ffm.sys.Syscalls;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The inline bridge's sockets: for each worker and each of the two interfaces, one bridge port, a socket with a
 * TPACKET_V2 RX ring and a TX ring. The port of interface X is both the source of frames arriving on X and the way
 * out for frames that passed on the other interface; the engine asks for them separately ({@link #open(SourceRequest)}
 * and {@link #open(String, int)}), so this class hands both the same socket and closes it when both are closed.
 *
 * <p>Why V2 and not V3: a V3 block reaches user space only when full or when its timeout (at least 1 ms) passes, so at
 * low rates every frame would wait up to a timeout (or two); V2 hands each frame over as soon as it is written. See
 * the latency figures in {@code docs/engine.md}.
 *
 * <p>Our own frames are never received back: frames sent on a socket are not delivered to it, nor to the members of
 * its fanout group when the group has {@code PACKET_FANOUT_FLAG_IGNORE_OUTGOING} (used with more than one worker;
 * with one worker the socket sets {@code PACKET_IGNORE_OUTGOING}, which also skips what the host itself sends on the
 * bridged interfaces). VLAN tags are written back into received frames so that they leave with the tag they came with.
 * Frames are writable: a rule's rewrite goes out as modified.
 *
 * <p><b>Super-frames.</b> Before the first socket opens, the {@link OffloadPolicy} decides (once, logged in one line):
 * by default the sockets get {@code PACKET_VNET_HDR} and ring slots of {@value #SUPER_FRAME_SIZE} bytes, so a GSO/GRO
 * super-frame of up to 64 KiB is received whole, shown whole to the scripts, and sent whole with its {@code
 * virtio_net_hdr}: the egress device or the kernel's software GSO cuts it into wire frames and finishes its partial
 * checksum. Where the kernel has no vnet headers on rings (or with {@link OffloadPolicy#OFF}) the interfaces'
 * receive-coalescing features are turned off instead and restored exactly when the last port closes.
 *
 * <p>Use: {@code Engine.builder().bridge(a, b).sources(ports).forwarders(ports).idleStrategy(ports.idleStrategies())}.
 * One instance per engine.
 */
public final class BridgePorts extends LiveSourceFactory implements ForwarderFactory {
    /** How long an idle bridge worker blocks in poll(2) before looking at stop requests and new chains. */
    static final int IDLE_POLL_MS = 10;
    /**
     * Bytes per V2 ring frame with vnet headers: 17 pages, room for the ring header and vnet header (tp_mac 80 with
     * PACKET_RESERVE 4) and a 65,535-byte IP packet with two VLAN tags (docs/ffm.md, "Super-frames").
     */
    static final int SUPER_FRAME_SIZE = 17 * 4096;
    /**
     * The default of {@link #directSend(boolean)}: on; {@code -Dnpflua.bridge.directSend=false} turns it off (for
     * comparisons).
     */
    static final boolean DIRECT_SEND = !"false".equals(System.getProperty("npflua.bridge.directSend"));

    private final Map<String, Port> ports = new HashMap<>();
    private final List<String> interfaces = new ArrayList<>();
    private final List<TxForwarder> forwarders = new ArrayList<>();
    private boolean directSend = DIRECT_SEND;
    private final BridgeOffloads offloads;
    // From the sources' requests: the engine asks for worker w's B forwarder before its B source.
    private int workerCount = 1;
    private FanoutMode fanout = FanoutMode.HASH;

    /** Bridge ports opened with {@code options} (promiscuous mode, filter and V2 ring sizes), offloads {@code AUTO}. */
    public BridgePorts(LiveCaptureOptions options) {
        this(options, OffloadPolicy.AUTO, line -> System.err.println("npflua: " + line));
    }

    /**
     * Bridge ports opened with {@code options}, handling super-frames as {@code policy} says.
     *
     * @param log where the one line about offloads goes (and the line saying they were restored)
     */
    public BridgePorts(LiveCaptureOptions options, OffloadPolicy policy, Consumer<String> log) {
        super(options);
        this.offloads = new BridgeOffloads(policy, log);
    }

    /**
     * Whether ports with vnet headers send frames of 16 KiB and more (super-frames) straight from their RX slot
     * through a second, ring-less socket per port instead of copying them into the TX ring first (default on): one
     * copy fewer per super-frame, and on a veth two (the veth copies the TX ring's pages again). Set before the engine
     * opens the ports.
     */
    public BridgePorts directSend(boolean on) {
        synchronized (ports) {
            directSend = on;
        }
        return this;
    }

    /**
     * Frames big enough to be sent from their RX slot that went through the TX ring instead (frames of the ring not yet
     * taken, or the send-only socket's buffer full), by the forwarders opened so far (read after the engine closed).
     */
    public long framesDeferredToRing() {
        return sumOverForwarders(TxForwarder::directDeferred);
    }

    /** Frames sent straight from their RX slot by the forwarders opened so far (read after the engine closed). */
    public long framesSentDirect() {
        return sumOverForwarders(TxForwarder::sentDirect);
    }

    private long sumOverForwarders(ToLongFunction<TxForwarder> count) {
        synchronized (ports) {
            long n = 0;
            for (TxForwarder f : forwarders) {
                n += count.applyAsLong(f);
            }
            return n;
        }
    }

    /** Remembers the bridge's interfaces (the engine validates both before opening any), then checks as a tap would. */
    @Override
    public void validate(String name) {
        super.validate(name);
        synchronized (ports) {
            if (!interfaces.contains(name)) {
                interfaces.add(name);
            }
        }
    }

    /** Whether the ports use vnet headers (known once the first port opened). */
    public boolean vnetHeaders() {
        return offloads.vnet();
    }

    /** The offload changes in force (empty when none was needed or they were restored). */
    public List<OffloadChange> offloadChanges() {
        return offloads.changes();
    }

    /** What was decided about offloads, as logged; null before the first port opened. */
    public String offloadSummary() {
        return offloads.summary();
    }

    /**
     * Puts back the offload features this bridge turned off (done by itself when the last port closes; idempotent).
     *
     * @return one line per interface restored
     */
    public List<String> restoreOffloads() {
        return offloads.restore();
    }

    /**
     * Idle strategies for the engine's workers ({@code Engine.Builder.idleStrategy(ports.idleStrategies())}): the
     * n-th strategy made belongs to worker n and waits in poll(2) on that worker's two ports, so a frame wakes the
     * worker at once instead of after a park period. Without it the bridge still works, with up to about 1 ms added
     * per hop at low rates (the default back-off's longest park).
     */
    public Supplier<IdleStrategy> idleStrategies() {
        AtomicInteger next = new AtomicInteger();
        return () -> {
            int worker = next.getAndIncrement();
            return new BridgeIdleStrategy(() -> socketsOf(worker), IDLE_POLL_MS);
        };
    }

    private List<PacketSocket> socketsOf(int worker) {
        synchronized (ports) {
            List<PacketSocket> list = new ArrayList<>();
            for (Port p : ports.values()) {
                if (p.worker == worker) {
                    list.add(p.socket);
                }
            }
            return list;
        }
    }

    /** The RX side of worker {@code request.workerIndex()}'s port on {@code request.name()}. */
    @Override
    public FrameSource open(SourceRequest request) {
        if (request.snapLength() > 0) {
            throw new IllegalArgumentException(
                    "a snap length cannot be used on an inline bridge: truncated frames" + " cannot be forwarded");
        }
        Port port;
        synchronized (ports) {
            workerCount = request.workerCount();
            fanout = request.fanout();
            port = port(request.name(), request.workerIndex());
        }
        return new RingFrameSource(
                port.socket, request.name() + "#" + request.workerIndex(), true, 1, () -> release(port));
    }

    /** The TX side of worker {@code workerIndex}'s port on {@code egress}. */
    @Override
    public Forwarder open(String egress, int workerIndex) {
        Port port;
        synchronized (ports) {
            port = port(egress, workerIndex);
        }
        int mtu;
        try {
            mtu = port.socket.mtu();
        } catch (RuntimeException e) {
            release(port);
            throw e;
        }
        TxForwarder f = new TxForwarder(
                port.socket.txRing(),
                port.direct == null ? null : port.direct::send,
                mtu,
                egress + "#" + workerIndex,
                () -> release(port));
        synchronized (ports) {
            forwarders.add(f);
        }
        return f;
    }

    /** The port of {@code name} for {@code worker}, opened on first use; counts one more user. */
    private Port port(String name, int worker) {
        synchronized (ports) {
            Port existing = ports.get(key(name, worker));
            if (existing != null) {
                existing.users++;
                return existing;
            }
            if (!interfaces.contains(name)) {
                interfaces.add(name);
            }
            boolean vnet = offloads.prepare(interfaces);
            int page = Syscalls.pageSize();
            // Super-frame slots hold 34 MiB of RX+TX ring per port at a quarter of the frame counts.
            int frameSize = vnet ? SUPER_FRAME_SIZE : LiveCaptureOptions.BRIDGE_FRAME_SIZE;
            int rxFrames = vnet ? Math.max(16, options.bridgeFrames() / 4) : options.bridgeFrames();
            int txFrames = vnet ? Math.max(16, options.bridgeTxFrames() / 4) : options.bridgeTxFrames();
            RingGeometry rx = RingGeometry.frames(frameSize, rxFrames, page);
            RingGeometry tx = RingGeometry.frames(frameSize, txFrames, page);
            PacketSocketOptions.Builder b = PacketSocketOptions.bridgePort(name, rx, tx)
                    .vnetHeader(vnet)
                    .sliceScope(SliceScope.RING)
                    .vlanReinsertion(true)
                    .promiscuous(options.promiscuous())
                    .filter(options.filter());
            if (workerCount > 1) {
                b.fanout(Fanout.of(groupId(name), fanout, FanoutFlag.IGNORE_OUTGOING));
            } else {
                b.ignoreOutgoing(true);
            }
            PacketSocket socket;
            try {
                socket = PacketSocket.open(b.build());
            } catch (RuntimeException | Error e) {
                if (ports.isEmpty()) {
                    offloads.restore(); // nothing else will: no port is open to be closed
                }
                throw e;
            }
            PacketSocket direct = null;
            if (vnet && directSend) {
                try {
                    // Protocol 0, no ring: it only sends (TxForwarder.sendDirect), the kernel queues nothing for it.
                    direct = PacketSocket.open(
                            PacketSocketOptions.builder(name).vnetHeader(true).build());
                } catch (RuntimeException | Error e) {
                    socket.close();
                    if (ports.isEmpty()) {
                        offloads.restore();
                    }
                    throw e;
                }
            }
            Port port = new Port(key(name, worker), worker, socket, direct);
            port.users = 1;
            ports.put(port.key, port);
            return port;
        }
    }

    private void release(Port port) {
        boolean last;
        synchronized (ports) {
            last = --port.users == 0;
            if (last) {
                ports.remove(port.key);
            }
        }
        if (last) {
            boolean none;
            synchronized (ports) {
                none = ports.isEmpty();
            }
            // Every step runs whatever the others throw; the first failure is thrown, the rest ride on it.
            RuntimeException failed = attempt(null, port.socket::close);
            if (port.direct != null) {
                failed = attempt(failed, port.direct::close);
            }
            if (none) {
                failed = attempt(failed, offloads::restore); // the bridge is down: put the interfaces back
            }
            if (failed != null) {
                throw failed;
            }
        }
    }

    /** Runs {@code step}; returns {@code failed}, or what the step threw (added to {@code failed} if there was one). */
    static RuntimeException attempt(RuntimeException failed, Runnable step) {
        try {
            step.run();
            return failed;
        } catch (RuntimeException e) {
            if (failed == null) {
                return e;
            }
            failed.addSuppressed(e);
            return failed;
        }
    }

    private static String key(String name, int worker) {
        return name + '#' + worker;
    }

    /** One socket shared by a source and a forwarder of the same worker. */
    private static final class Port {
        final String key;
        final int worker;
        final PacketSocket socket;
        /** With vnet headers: the ring-less socket that sends big frames from their RX slot, or null. */
        final PacketSocket direct;

        int users;

        Port(String key, int worker, PacketSocket socket, PacketSocket direct) {
            this.key = key;
            this.worker = worker;
            this.socket = socket;
            this.direct = direct;
        }
    }
}
