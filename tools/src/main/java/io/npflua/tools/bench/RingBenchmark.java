package io.npflua.tools.bench;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import io.npflua.ffm.ring.BlockRing;
import io.npflua.ffm.ring.BlockRingEmulator;
import io.npflua.ffm.ring.FrameHandler;
import io.npflua.ffm.ring.FrameRing;
import io.npflua.ffm.ring.FrameRingEmulator;
import io.npflua.ffm.ring.PacketFrame;
import io.npflua.ffm.ring.RingGeometry;
import io.npflua.ffm.ring.SliceScope;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The RX ring walks over synthetic rings laid out exactly like the kernel's (written by {@link BlockRingEmulator} and
 * {@link FrameRingEmulator}; no root needed), with the same {@link BlockRing}/{@link FrameRing} code as live capture.
 * One operation is one packet: ns/op is ns per packet and, with {@code -prof gc}, gc.alloc.rate.norm is bytes per
 * packet. Each invocation hands the whole ring back to the walker (a release store per block, or per frame for V2)
 * and walks every packet, touching its first byte and length.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -jar tools/target/npflua-benchmarks.jar RingBenchmark
 * -f 1 -wi 3 -w 1 -i 3 -r 1 -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
public class RingBenchmark {
    private static final int BLOCK_SIZE = 1 << 20;
    private static final int BLOCKS = 8;
    // A 64-byte packet takes align8(tp_mac 82 + 64) = 152 bytes after the 48-byte block header.
    private static final int V3_PACKETS_64 = (BLOCK_SIZE - 48) / 152 * BLOCKS;
    // A 1500-byte packet takes align8(82 + 1500) = 1584 bytes.
    private static final int V3_PACKETS_1500 = (BLOCK_SIZE - 48) / 1584 * BLOCKS;
    // A ring that stays in the L2 cache (4 x 128 KiB): the walk's own cost, without memory traffic.
    private static final int CACHED_BLOCK_SIZE = 128 << 10;
    private static final int CACHED_BLOCKS = 4;
    private static final int V3_PACKETS_64_CACHED = (CACHED_BLOCK_SIZE - 48) / 152 * CACHED_BLOCKS;
    // 512 frames of 2 KiB (1 MiB): a bridge-sized ring that stays in the L2 cache.
    private static final int V2_FRAMES = 512;
    private static final int V2_BATCH = 64;

    /** Reads what a consumer minimally reads: the length and the first byte, through the zero-copy view. */
    static final class Touch implements FrameHandler {
        long sum;

        @Override
        public void onFrame(final PacketFrame frame) {
            sum += frame.capturedLength() + frame.segment().get(JAVA_BYTE, frame.dataOffset());
        }
    }

    @Param({"BLOCK", "RING"})
    public SliceScope scope;

    private Arena arena;
    private final Touch touch = new Touch();
    private BlockRingEmulator v3Small;
    private BlockRing v3SmallWalker;
    private BlockRingEmulator v3Large;
    private BlockRing v3LargeWalker;
    private BlockRingEmulator v3Cached;
    private BlockRing v3CachedWalker;
    private FrameRingEmulator v2;
    private FrameRing v2Walker;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        final RingGeometry blocks = RingGeometry.blocks(BLOCK_SIZE, BLOCKS, 10);
        final MemorySegment small = arena.allocate(blocks.sizeBytes(), 4096);
        v3Small = new BlockRingEmulator(small, blocks, 0);
        check(fillV3(v3Small, 64), V3_PACKETS_64);
        v3SmallWalker = new BlockRing(small, blocks, scope, false);

        final MemorySegment large = arena.allocate(blocks.sizeBytes(), 4096);
        v3Large = new BlockRingEmulator(large, blocks, 0);
        check(fillV3(v3Large, 1500), V3_PACKETS_1500);
        v3LargeWalker = new BlockRing(large, blocks, scope, false);

        final RingGeometry cachedBlocks = RingGeometry.blocks(CACHED_BLOCK_SIZE, CACHED_BLOCKS, 10);
        final MemorySegment cached = arena.allocate(cachedBlocks.sizeBytes(), 4096);
        v3Cached = new BlockRingEmulator(cached, cachedBlocks, 0);
        check(fillV3(v3Cached, 64), V3_PACKETS_64_CACHED);
        v3CachedWalker = new BlockRing(cached, cachedBlocks, scope, false);

        final RingGeometry frames = RingGeometry.frames(2048, V2_FRAMES, 4096);
        final MemorySegment v2Ring = arena.allocate(frames.sizeBytes(), 4096);
        v2 = new FrameRingEmulator(v2Ring, frames, 0);
        final MemorySegment packet = MemorySegment.ofArray(frame(64));
        int written = 0;
        while (v2.add(packet, 0, 64, 1_700_000_000_000_000_000L, -1, 0, 0, 1)) {
            written++;
        }
        check(written, V2_FRAMES);
        v2Walker = new FrameRing(v2Ring, frames, scope, false);
    }

    private static int fillV3(final BlockRingEmulator emulator, final int length) {
        final MemorySegment packet = MemorySegment.ofArray(frame(length));
        int written = 0;
        while (emulator.add(packet, 0, length, length, 1_700_000_000_000_000_000L + written, -1, 0, 0, 1)) {
            written++;
        }
        return written;
    }

    private static byte[] frame(final int length) {
        final byte[] frame = new byte[length];
        final byte[] header = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, (byte) 0x88, (byte) 0xB5};
        System.arraycopy(header, 0, frame, 0, header.length);
        for (int i = header.length; i < length; i++) {
            frame[i] = (byte) i;
        }
        return frame;
    }

    private static void check(final int actual, final int expected) {
        if (actual != expected) {
            throw new IllegalStateException(
                    "synthetic ring holds " + actual + " packets, benchmark assumes " + expected);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    /** V3 block walk, 64-byte packets: ns and bytes per packet. */
    @Benchmark
    @OperationsPerInvocation(V3_PACKETS_64)
    public long v3Walk64() {
        v3Small.handOverAll();
        int handled = 0;
        int n;
        while ((n = v3SmallWalker.poll(touch, Integer.MAX_VALUE)) > 0) {
            handled += n;
        }
        return handled + touch.sum;
    }

    /** V3 block walk, 64-byte packets, ring resident in the L2 cache. */
    @Benchmark
    @OperationsPerInvocation(V3_PACKETS_64_CACHED)
    public long v3Walk64Cached() {
        v3Cached.handOverAll();
        int handled = 0;
        int n;
        while ((n = v3CachedWalker.poll(touch, Integer.MAX_VALUE)) > 0) {
            handled += n;
        }
        return handled + touch.sum;
    }

    /** V3 block walk, 1500-byte packets. */
    @Benchmark
    @OperationsPerInvocation(V3_PACKETS_1500)
    public long v3Walk1500() {
        v3Large.handOverAll();
        int handled = 0;
        int n;
        while ((n = v3LargeWalker.poll(touch, Integer.MAX_VALUE)) > 0) {
            handled += n;
        }
        return handled + touch.sum;
    }

    /** V2 frame walk in duty-cycle batches of 64 frames, 64-byte packets. */
    @Benchmark
    @OperationsPerInvocation(V2_FRAMES)
    public long v2Walk64() {
        v2.handOverAll();
        int handled = 0;
        int n;
        while ((n = v2Walker.poll(touch, V2_BATCH)) > 0) {
            handled += n;
        }
        return handled + touch.sum;
    }
}
