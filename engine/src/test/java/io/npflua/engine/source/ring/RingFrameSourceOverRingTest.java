package io.npflua.engine.source.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.npflua.engine.source.Frame;
import io.npflua.engine.source.SourceStats;
import io.npflua.engine.worker.JitWarmup;
import io.npflua.ffm.layout.PacketConstants;
import io.npflua.ffm.ring.BlockRing;
import io.npflua.ffm.ring.BlockRingEmulator;
import io.npflua.ffm.ring.RingGeometry;
import io.npflua.ffm.ring.SliceScope;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A {@link RingFrameSource} over a bare V3 ring (no socket) hands out the ring's frames like a live one. */
class RingFrameSourceOverRingTest {
    @Test
    void shouldHandOutTheFramesOfABareRingAndNeverWait() {
        List<byte[]> sent = JitWarmup.frames();
        try (Arena arena = Arena.ofShared()) {
            RingGeometry geometry = RingGeometry.blocks(1 << 18, 2, 1); // the frames fit one block
            MemorySegment memory = arena.allocate(geometry.sizeBytes(), 1 << 16);
            BlockRingEmulator kernel = new BlockRingEmulator(memory, geometry, 4);
            for (byte[] f : sent) {
                kernel.add(MemorySegment.ofArray(f), 0, f.length, f.length, 1, -1, 0, PacketConstants.PACKET_HOST, 7);
            }
            kernel.closeBlock();
            List<byte[]> seen = new ArrayList<>();
            try (RingFrameSource source = RingFrameSource.overRing(
                    new BlockRing(memory, geometry, SliceScope.RING, true), "bare", false, null)) {
                int n = source.poll(
                        (Frame f) -> seen.add(f.segment()
                                .asSlice(f.offset(), f.capturedLength())
                                .toArray(ValueLayout.JAVA_BYTE)),
                        1024);
                assertEquals(sent.size(), n);
                assertEquals(0, source.poll(f -> seen.add(null), 64), "the ring is empty now");
                assertFalse(source.canAwait());
                assertFalse(source.await(TimeUnit.MILLISECONDS.toNanos(1)));
                SourceStats stats = new SourceStats();
                source.readStats(stats);
                assertEquals(0, stats.packets());
            }
            assertEquals(sent.size(), seen.size());
            for (int i = 0; i < sent.size(); i++) {
                assertArrayEquals(sent.get(i), seen.get(i), "frame " + i);
            }
        }
    }
}
