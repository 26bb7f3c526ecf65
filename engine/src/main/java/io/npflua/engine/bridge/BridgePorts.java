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
import io.npflua.ffm.socket.PacketSocket;
import io.npflua.ffm.socket.PacketSocketOptions;
import io.npflua.ffm.sys.Syscalls;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

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
 * <p>Use: {@code Engine.builder().bridge(a, b).sources(ports).forwarders(ports).idleStrategy(ports.idleStrategies())}.
 * One instance per engine.
 */
public final class BridgePorts extends LiveSourceFactory implements ForwarderFactory {
    /** How long an idle bridge worker blocks in poll(2) before looking at stop requests and new chains. */
    static final int IDLE_POLL_MS = 10;

    private final Map<String, Port> ports = new HashMap<>();
    // From the sources' requests: the engine asks for worker w's B forwarder before its B source.
    private int workerCount = 1;
    private FanoutMode fanout = FanoutMode.HASH;

    /** Bridge ports opened with {@code options} (promiscuous mode, filter and V2 ring sizes). */
    public BridgePorts(LiveCaptureOptions options) {
        super(options);
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
        return new TxForwarder(port.socket.txRing(), egress + "#" + workerIndex, () -> release(port));
    }

    /** The port of {@code name} for {@code worker}, opened on first use; counts one more user. */
    private Port port(String name, int worker) {
        synchronized (ports) {
            Port existing = ports.get(key(name, worker));
            if (existing != null) {
                existing.users++;
                return existing;
            }
            int page = Syscalls.pageSize();
            RingGeometry rx = RingGeometry.frames(LiveCaptureOptions.BRIDGE_FRAME_SIZE, options.bridgeFrames(), page);
            RingGeometry tx = RingGeometry.frames(LiveCaptureOptions.BRIDGE_FRAME_SIZE, options.bridgeTxFrames(), page);
            PacketSocketOptions.Builder b = PacketSocketOptions.bridgePort(name, rx, tx)
                    .sliceScope(SliceScope.RING)
                    .vlanReinsertion(true)
                    .promiscuous(options.promiscuous())
                    .filter(options.filter());
            if (workerCount > 1) {
                b.fanout(Fanout.of(groupId(name), fanout, FanoutFlag.IGNORE_OUTGOING));
            } else {
                b.ignoreOutgoing(true);
            }
            Port port = new Port(key(name, worker), worker, PacketSocket.open(b.build()));
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
            port.socket.close();
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
        int users;

        Port(String key, int worker, PacketSocket socket) {
            this.key = key;
            this.worker = worker;
            this.socket = socket;
        }
    }
}
