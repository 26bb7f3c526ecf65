package io.npflua.tools.bench;

import io.npflua.engine.flow.FlowKey;
import io.npflua.engine.flow.FlowTable;
import io.npflua.engine.flow.FlowTableOptions;
import io.npflua.engine.flow.FlowTimeouts;
import io.npflua.engine.frames.FrameBuilder;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Cost of the flow table per frame ({@code io.npflua.engine.flow}): key extraction alone, the lookup of an existing
 * flow (IPv4 TCP, IPv6 UDP; key parse, hash, probe, counters, TCP state, two entries of expiry sweep), a create and
 * expire churn (every frame a new flow, old ones expiring through the per-lookup sweep) and a SYN flood into a full
 * table (every frame a new flow that evicts a half-open one). Frames sit in native memory as ring slots would;
 * {@code flows} is how many flows the lookups cycle over (1,000: the table stays in cache; 200,000: 400,000 flows,
 * a table of about 68 MB, so most lookups miss the cache). Every benchmark must show 0 B/op with {@code -prof gc}.
 *
 * <pre>
 * java -jar tools/target/npflua-benchmarks.jar FlowTableBenchmark -f 1 -wi 3 -w 1 -i 5 -r 1 -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FlowTableBenchmark {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /** Bytes reserved per frame in the native buffer. */
    private static final int SLOT = 128;

    /** A table holding {@code flows} established flows of each kind, and one frame of each flow in native memory. */
    @State(Scope.Thread)
    public static class Existing {
        @Param({"1000", "200000"})
        public int flows;

        /** Entries swept for expiry per lookup ({@code FlowTableOptions.sweepPerLookup}; 2 is the default). */
        @Param({"2"})
        public int sweep;

        Arena arena;
        MemorySegment tcp4;
        MemorySegment udp6;
        int tcp4Length;
        int udp6Length;
        FlowTable table;
        final FlowKey key = new FlowKey();
        int next;
        long now = 1_000_000_000L;

        @Setup(Level.Trial)
        public void setUp() {
            arena = Arena.ofShared();
            byte[] tcp = FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                    .ipv4("198.18.0.1", "198.19.0.1")
                    .tcp(1, 443, 1000, 2000, FrameBuilder.TCP_ACK)
                    .payload(new byte[64])
                    .build();
            byte[] udp = FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                    .ipv6("2001:db8::1", "2001:db8:1::1")
                    .udp(1, 53)
                    .payload(new byte[48])
                    .build();
            tcp4Length = tcp.length;
            udp6Length = udp.length;
            tcp4 = arena.allocate((long) flows * SLOT, 64);
            udp6 = arena.allocate((long) flows * SLOT, 64);
            for (int i = 0; i < flows; i++) {
                long at = (long) i * SLOT;
                MemorySegment.copy(MemorySegment.ofArray(tcp), 0, tcp4, at, tcp.length);
                // Distinct flows: the client address and port vary (198.18.x.y:p).
                tcp4.set(U32, at + 26, 0xc6120000 | i >>> 12);
                tcp4.set(U16, at + 34, (short) (1024 + (i & 0xfff)));
                MemorySegment.copy(MemorySegment.ofArray(udp), 0, udp6, at, udp.length);
                udp6.set(U32, at + 34, i >>> 12);
                udp6.set(U16, at + 54, (short) (1024 + (i & 0xfff)));
            }
            table = new FlowTable(
                    FlowTableOptions.defaults().withMaxFlows(2 * flows).withSweepPerLookup(sweep), 0, 42);
            for (int i = 0; i < flows; i++) {
                long at = (long) i * SLOT;
                if (table.track(tcp4, at, tcp4Length, tcp4Length, now) < 0
                        || table.track(udp6, at, udp6Length, udp6Length, now) < 0) {
                    throw new IllegalStateException("flow " + i + " not created");
                }
            }
            if (table.active() != 2 * flows) {
                throw new IllegalStateException("expected " + 2 * flows + " flows, got " + table.active());
            }
        }

        int nextIndex() {
            int i = next;
            next = i + 1 == flows ? 0 : i + 1;
            return i;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (table.created() != 2L * flows) {
                throw new IllegalStateException("a lookup created a flow: " + table.created());
            }
            arena.close();
        }
    }

    /** Parsing the key of an IPv4 TCP frame, no table: the floor under a lookup. */
    @Benchmark
    public int parseIpv4Tcp(Existing s) {
        return s.key.parse(s.tcp4, (long) s.nextIndex() * SLOT, s.tcp4Length);
    }

    /** Finding an existing IPv4 TCP flow without counting the frame (parse, hash, probe, key compare). */
    @Benchmark
    public int findIpv4Tcp(Existing s) {
        return s.table.lookup(s.tcp4, (long) s.nextIndex() * SLOT, s.tcp4Length, s.now);
    }

    /** Finding and updating an existing IPv4 TCP flow. Allocates nothing. */
    @Benchmark
    public int lookupIpv4Tcp(Existing s) {
        return s.table.track(s.tcp4, (long) s.nextIndex() * SLOT, s.tcp4Length, s.tcp4Length, s.now++);
    }

    /** Finding and updating an existing IPv6 UDP flow. Allocates nothing. */
    @Benchmark
    public int lookupIpv6Udp(Existing s) {
        return s.table.track(s.udp6, (long) s.nextIndex() * SLOT, s.udp6Length, s.udp6Length, s.now++);
    }

    /** One frame buffer whose source address and port change with every frame, so that each is a new flow. */
    public abstract static class NewFlows {
        static final int MAX_FLOWS = 65_536;

        Arena arena;
        MemorySegment frame;
        int length;
        FlowTable table;
        int counter;
        long now;

        void open(FlowTableOptions options) {
            arena = Arena.ofShared();
            byte[] syn = FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                    .ipv4("198.18.0.1", "198.19.0.1")
                    .tcp(1, 443, 1000, 0, FrameBuilder.TCP_SYN)
                    .build();
            length = syn.length;
            frame = arena.allocate(SLOT, 64);
            MemorySegment.copy(MemorySegment.ofArray(syn), 0, frame, 0, length);
            table = new FlowTable(options, 0, 42);
        }

        int trackNext() {
            int i = counter++;
            frame.set(U32, 26, 0xc6120000 | (i >>> 16 & 0x1ffff));
            frame.set(U16, 34, (short) i);
            now += 1_000;
            return table.track(frame, 0, length, length, now);
        }
    }

    /** 1 µs between frames and a 20 ms timeout: about 20,000 to 50,000 flows live, the sweep ends one per frame. */
    @State(Scope.Thread)
    public static class Expiring extends NewFlows {
        @Setup(Level.Trial)
        public void setUp() {
            open(FlowTableOptions.defaults()
                    .withMaxFlows(MAX_FLOWS)
                    .withTimeouts(FlowTimeouts.all(Duration.ofMillis(20))));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (table.expired() == 0 || table.created() != table.active() + table.expired() + table.evicted()) {
                throw new IllegalStateException("churn: created " + table.created() + ", expired " + table.expired());
            }
            arena.close();
        }
    }

    /** Default timeouts (30 s for half-open TCP): the table fills and every new flow evicts the oldest one. */
    @State(Scope.Thread)
    public static class Flooded extends NewFlows {
        @Setup(Level.Trial)
        public void setUp() {
            open(FlowTableOptions.defaults().withMaxFlows(MAX_FLOWS));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (table.evicted() == 0 || table.active() != MAX_FLOWS || table.untracked() != 0) {
                throw new IllegalStateException("flood: evicted " + table.evicted() + ", active " + table.active());
            }
            arena.close();
        }
    }

    /** Every frame a new flow; flows idle past 20 ms end through the per-lookup sweep. Allocates nothing. */
    @Benchmark
    public int createAndExpire(Expiring s) {
        return s.trackNext();
    }

    /** Every frame a new half-open flow into a full table: each evicts the oldest half-open one. Allocates nothing. */
    @Benchmark
    public int synFloodEvict(Flooded s) {
        return s.trackNext();
    }
}
