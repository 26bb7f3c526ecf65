package io.npflua.ffm.ring;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.ffm.lab.TestFrames;
import io.npflua.ffm.layout.BlockDescriptor;
import io.npflua.ffm.layout.PacketConstants;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BlockRingTest {
    private static final RingGeometry GEOMETRY = RingGeometry.blocks(4096, 4, 10);
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment ring = arena.allocate(GEOMETRY.sizeBytes(), 4096);

    @AfterEach
    void close() {
        arena.close();
    }

    private static MemorySegment heap(final byte[] bytes) {
        return MemorySegment.ofArray(bytes);
    }

    @Test
    void shouldHandEveryPacketByteForByteWithMetadata() {
        final BlockRingEmulator kernel = new BlockRingEmulator(ring, GEOMETRY, 0);
        final List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            final byte[] f = TestFrames.frame(i, 60 + i * 7);
            sent.add(f);
            assertTrue(kernel.add(heap(f), 0, f.length, f.length + 4, 1_700_000_000_123_456_789L + i, -1, 0, 3, 9));
        }
        kernel.closeBlock();
        final BlockRing walker = new BlockRing(ring, GEOMETRY, SliceScope.BLOCK, false);
        final List<byte[]> got = new ArrayList<>();
        final List<Long> timestamps = new ArrayList<>();
        final int handled = walker.poll(
                frame -> {
                    got.add(frame.toByteArray());
                    timestamps.add(frame.timestampNs());
                    assertEquals(frame.capturedLength() + 4, frame.wireLength());
                    assertEquals(3, frame.packetType());
                    assertEquals(9, frame.ifindex());
                    assertEquals(TestFrames.ETHERTYPE, frame.protocol());
                    assertFalse(frame.vlanValid());
                },
                1000);
        assertEquals(40, handled);
        for (int i = 0; i < 40; i++) {
            assertArrayEquals(sent.get(i), got.get(i), "frame " + i);
            assertEquals(1_700_000_000_123_456_789L + i, timestamps.get(i));
        }
        for (int b = 0; b < GEOMETRY.blockCount(); b++) {
            assertEquals(
                    PacketConstants.TP_STATUS_KERNEL,
                    ring.get(JAVA_INT, b * 4096L + BlockDescriptor.BLOCK_STATUS_OFFSET),
                    "block " + b);
        }
        assertEquals(0, walker.poll(f -> {}, 10));
    }

    @Test
    void shouldResumeMidBlockWhenLimitIsReached() {
        final BlockRingEmulator kernel = new BlockRingEmulator(ring, GEOMETRY, 0);
        for (int i = 0; i < 10; i++) {
            final byte[] f = TestFrames.frame(i, 64);
            kernel.add(heap(f), 0, 64, 64, i, -1, 0, 0, 1);
        }
        kernel.closeBlock();
        final BlockRing walker = new BlockRing(ring, GEOMETRY, SliceScope.BLOCK, false);
        final List<Integer> sequences = new ArrayList<>();
        assertEquals(3, walker.poll(f -> sequences.add(TestFrames.sequenceOf(f.toByteArray())), 3));
        assertEquals(
                PacketConstants.TP_STATUS_USER,
                ring.get(JAVA_INT, BlockDescriptor.BLOCK_STATUS_OFFSET),
                "block still held");
        assertEquals(7, walker.poll(f -> sequences.add(TestFrames.sequenceOf(f.toByteArray())), 100));
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), sequences);
        assertEquals(
                PacketConstants.TP_STATUS_KERNEL,
                ring.get(JAVA_INT, BlockDescriptor.BLOCK_STATUS_OFFSET),
                "block returned");
    }

    @Test
    void shouldFailCleanlyWhenSliceIsReadAfterItsBlockWasReturned() {
        final BlockRingEmulator kernel = new BlockRingEmulator(ring, GEOMETRY, 0);
        final byte[] f = TestFrames.frame(1, 100);
        kernel.add(heap(f), 0, 100, 100, 0, -1, 0, 0, 1);
        kernel.closeBlock();
        final BlockRing walker = new BlockRing(ring, GEOMETRY, SliceScope.BLOCK, false);
        final MemorySegment[] kept = new MemorySegment[2];
        final long[] offset = new long[1];
        walker.poll(
                frame -> {
                    kept[0] = frame.slice();
                    kept[1] = frame.segment();
                    offset[0] = frame.dataOffset();
                    assertEquals(f[0], kept[0].get(JAVA_BYTE, 0));
                },
                10);
        assertEquals(PacketConstants.TP_STATUS_KERNEL, ring.get(JAVA_INT, BlockDescriptor.BLOCK_STATUS_OFFSET));
        assertThrows(IllegalStateException.class, () -> kept[0].get(JAVA_BYTE, 0));
        assertThrows(IllegalStateException.class, () -> kept[1].get(JAVA_BYTE, offset[0]));
    }

    @Test
    void shouldKeepRingScopedSegmentsReadableWithoutAllocation() {
        final BlockRingEmulator kernel = new BlockRingEmulator(ring, GEOMETRY, 0);
        final byte[] f = TestFrames.frame(1, 100);
        kernel.add(heap(f), 0, 100, 100, 0, -1, 0, 0, 1);
        kernel.closeBlock();
        final BlockRing walker = new BlockRing(ring, GEOMETRY, SliceScope.RING, false);
        final MemorySegment[] kept = new MemorySegment[1];
        walker.poll(frame -> kept[0] = frame.segment(), 10);
        assertTrue(kept[0].scope().isAlive());
        assertEquals(ring.address(), kept[0].address());
    }

    @Test
    void shouldReinsertVlanTagsAsOnTheWire() {
        final BlockRingEmulator kernel = new BlockRingEmulator(ring, GEOMETRY, 4);
        final byte[] q = TestFrames.frame(1, 80);
        final byte[] ad = TestFrames.frame(2, 80);
        final byte[] plain = TestFrames.frame(3, 80);
        kernel.add(heap(q), 0, 80, 80, 0, 0x2064, PacketConstants.ETH_P_8021Q, 0, 1);
        kernel.add(heap(ad), 0, 80, 80, 0, 0x0123, PacketConstants.ETH_P_8021AD, 0, 1);
        kernel.add(heap(plain), 0, 80, 80, 0, -1, 0, 0, 1);
        kernel.closeBlock();
        final List<byte[]> got = new ArrayList<>();
        final List<Integer> wire = new ArrayList<>();
        new BlockRing(ring, GEOMETRY, SliceScope.BLOCK, true)
                .poll(
                        frame -> {
                            got.add(frame.toByteArray());
                            wire.add(frame.wireLength());
                        },
                        10);
        assertArrayEquals(TestFrames.taggedFrame(1, 80, 0x8100, 0x2064), got.get(0));
        assertArrayEquals(TestFrames.taggedFrame(2, 80, 0x88A8, 0x0123), got.get(1));
        assertArrayEquals(plain, got.get(2));
        assertEquals(List.of(84, 84, 80), wire);
    }

    @Test
    void shouldLeaveTagOutOfDataWhenReinsertionIsOff() {
        final BlockRingEmulator kernel = new BlockRingEmulator(ring, GEOMETRY, 0);
        final byte[] q = TestFrames.frame(1, 80);
        kernel.add(heap(q), 0, 80, 80, 0, 0x0005, PacketConstants.ETH_P_8021Q, 0, 1);
        kernel.closeBlock();
        new BlockRing(ring, GEOMETRY, SliceScope.BLOCK, false)
                .poll(
                        frame -> {
                            assertArrayEquals(q, frame.toByteArray());
                            assertTrue(frame.vlanValid());
                            assertTrue(frame.vlanTpidValid());
                            assertFalse(frame.vlanTagInData());
                            assertEquals(5, frame.vlanTci());
                            assertEquals(0x8100, frame.vlanTpid());
                        },
                        10);
    }

    @Test
    void shouldReportFullRingToTheProducerUntilBlocksAreReturned() {
        final BlockRingEmulator kernel = new BlockRingEmulator(ring, GEOMETRY, 0);
        final byte[] f = TestFrames.frame(1, 1000);
        int accepted = 0;
        while (kernel.add(heap(f), 0, 1000, 1000, 0, -1, 0, 0, 1)) {
            accepted++;
        }
        assertEquals(3 * 4, accepted, "3 records of 1000 B per 4 KiB block, 4 blocks");
        final BlockRing walker = new BlockRing(ring, GEOMETRY, SliceScope.BLOCK, false);
        assertEquals(12, walker.poll(x -> {}, 100));
        assertTrue(kernel.add(heap(f), 0, 1000, 1000, 0, -1, 0, 0, 1));
    }
}
