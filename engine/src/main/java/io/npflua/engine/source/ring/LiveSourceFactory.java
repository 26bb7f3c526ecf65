package io.npflua.engine.source.ring;

import io.npflua.engine.source.FrameSource;
import io.npflua.engine.source.FrameSourceFactory;
import io.npflua.engine.source.SourceRequest;
import io.npflua.ffm.ring.RingGeometry;
import io.npflua.ffm.ring.SliceScope;
import io.npflua.ffm.socket.Fanout;
import io.npflua.ffm.socket.NetworkInterfaces;
import io.npflua.ffm.socket.PacketSocket;
import io.npflua.ffm.socket.PacketSocketOptions;
import io.npflua.ffm.sys.ErrnoException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens tap (capture) sources: for each worker and interface one AF_PACKET socket with a TPACKET_V3 ring
 * ({@link LiveCaptureOptions}), VLAN tags written back into the frames (as tcpdump shows them), the snap length applied
 * in the kernel, the optional BPF filter, promiscuous mode, and, with more than one worker, one {@code PACKET_FANOUT}
 * group per interface.
 *
 * <p>Fanout group ids are 16 bits and shared by every process of the network namespace; a socket joining an id that
 * already exists with the same mode and interface silently joins that group. Each factory therefore draws its ids from
 * a base derived from the process id and a per-JVM counter, one id per interface, so two engines (in one JVM or two)
 * do not share a group by accident. One factory serves one engine.
 */
public class LiveSourceFactory implements FrameSourceFactory {
    private static final AtomicInteger FACTORIES = new AtomicInteger();

    /** The options sockets are opened with. */
    protected final LiveCaptureOptions options;

    private final Map<String, Integer> groupIds = new ConcurrentHashMap<>();
    private final int groupBase;
    private final AtomicInteger nextGroup = new AtomicInteger();

    /** A factory opening sockets with {@code options}. */
    public LiveSourceFactory(LiveCaptureOptions options) {
        this.options = options;
        long pid = ProcessHandle.current().pid();
        this.groupBase = (int) ((pid * 0x9e37 + FACTORIES.getAndIncrement() * 0x51) & 0xffff);
    }

    /**
     * Checks that {@code name} is an interface and that this process may open packet sockets on it, by opening (and at
     * once closing) a ring-less socket bound to it.
     */
    @Override
    public void validate(String name) {
        if (NetworkInterfaces.indexOrZero(name) == 0) {
            throw new IllegalArgumentException("interface " + name + " does not exist (see `ip link`)");
        }
        try {
            PacketSocket.open(PacketSocketOptions.builder(name).build()).close();
        } catch (ErrnoException e) {
            throw new IllegalArgumentException("cannot capture on " + name + ": " + e.getMessage(), e);
        }
    }

    /** Opens worker {@code request.workerIndex()}'s V3 capture socket and joins the interface's fanout group. */
    @Override
    public FrameSource open(SourceRequest request) {
        if (request.inline()) {
            throw new IllegalArgumentException("this factory opens tap sources; use BridgePorts for an inline bridge");
        }
        RingGeometry blocks = RingGeometry.blocks(options.blockSize(), options.blockCount(), options.blockTimeoutMs());
        PacketSocketOptions.Builder b = PacketSocketOptions.capture(request.name(), blocks)
                .sliceScope(SliceScope.RING)
                .vlanReinsertion(true)
                .promiscuous(options.promiscuous())
                .filter(options.filter())
                .snapLength(Math.max(0, request.snapLength()));
        if (request.workerCount() > 1) {
            b.fanout(Fanout.of(groupId(request.name()), request.fanout()));
        }
        PacketSocket socket = PacketSocket.open(b.build());
        // The kernel may take up to two retire periods to hand over a partly filled block.
        long quiesceWaitMs = 2L * options.blockTimeoutMs() + 2;
        return new RingFrameSource(socket, request.name() + "#" + request.workerIndex(), false, quiesceWaitMs, null);
    }

    /** The fanout group id this factory uses for interface {@code name} (stable for the factory's life). */
    public int groupId(String name) {
        return groupIds.computeIfAbsent(name, n -> (groupBase + nextGroup.getAndIncrement()) & 0xffff);
    }
}
