package io.npflua.ffm.ring;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.ffm.lab.TestFrames;
import io.npflua.ffm.layout.PacketConstants;
import io.npflua.ffm.layout.Tpacket2HeaderDescriptor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FrameRingTest {
    private static final RingGeometry GEOMETRY = RingGeometry.frames(2048, 8, 4096);
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment ring = arena.allocate(GEOMETRY.sizeBytes(), 4096);

    @AfterEach
    void close() {
        arena.close();
    }

    @Test
    void shouldHandFramesInOrderAcrossTheWrap() {
        final FrameRingEmulator kernel = new FrameRingEmulator(ring, GEOMETRY, 0);
        final FrameRing walker = new FrameRing(ring, GEOMETRY, SliceScope.BLOCK, false);
        final List<byte[]> got = new ArrayList<>();
        final List<byte[]> sent = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 6; i++) {
                final byte[] f = TestFrames.frame(round * 10 + i, 60 + i);
                sent.add(f);
                assertEquals(true, kernel.add(MemorySegment.ofArray(f), 0, f.length, 5_000_000_000L + i, -1, 0, 0, 4));
            }
            assertEquals(
                    6,
                    walker.poll(
                            frame -> {
                                got.add(frame.toByteArray());
                                assertEquals(frame.capturedLength(), frame.wireLength());
                                assertEquals(4, frame.ifindex());
                            },
                            100));
        }
        assertEquals(sent.size(), got.size());
        for (int i = 0; i < sent.size(); i++) {
            assertArrayEquals(sent.get(i), got.get(i), "frame " + i);
        }
        for (int i = 0; i < GEOMETRY.frameCount(); i++) {
            assertEquals(
                    PacketConstants.TP_STATUS_KERNEL,
                    ring.get(JAVA_INT, GEOMETRY.frameOffset(i) + Tpacket2HeaderDescriptor.STATUS_OFFSET));
        }
    }

    @Test
    void shouldTruncateToTheFrameAndSaySo() {
        final FrameRingEmulator kernel = new FrameRingEmulator(ring, GEOMETRY, 0);
        final byte[] f = TestFrames.frame(1, 3000);
        kernel.add(MemorySegment.ofArray(f), 0, f.length, 0, -1, 0, 0, 1);
        new FrameRing(ring, GEOMETRY, SliceScope.BLOCK, false)
                .poll(
                        frame -> {
                            assertEquals(3000, frame.wireLength());
                            assertEquals(2048 - 66, frame.capturedLength());
                            assertEquals(true, frame.truncated());
                        },
                        1);
    }

    @Test
    void shouldHoldFramesUntilTheBatchEndsThenFailCleanlyOnStaleSlices() {
        final FrameRingEmulator kernel = new FrameRingEmulator(ring, GEOMETRY, 0);
        for (int i = 0; i < 3; i++) {
            final byte[] f = TestFrames.frame(i, 64);
            kernel.add(MemorySegment.ofArray(f), 0, 64, 0, -1, 0, 0, 1);
        }
        final List<MemorySegment> kept = new ArrayList<>();
        new FrameRing(ring, GEOMETRY, SliceScope.BLOCK, false)
                .poll(
                        frame -> {
                            kept.add(frame.slice());
                            // Every frame of the batch is still user-owned while the handler runs.
                            assertEquals(
                                    PacketConstants.TP_STATUS_USER,
                                    ring.get(JAVA_INT, GEOMETRY.frameOffset(0) + Tpacket2HeaderDescriptor.STATUS_OFFSET)
                                            & PacketConstants.TP_STATUS_USER);
                        },
                        10);
        assertEquals(3, kept.size());
        for (final MemorySegment slice : kept) {
            assertThrows(IllegalStateException.class, () -> slice.get(JAVA_BYTE, 0));
        }
        assertEquals(
                PacketConstants.TP_STATUS_KERNEL,
                ring.get(JAVA_INT, GEOMETRY.frameOffset(2) + Tpacket2HeaderDescriptor.STATUS_OFFSET));
    }

    @Test
    void shouldReinsert8021adTagInPlace() {
        final FrameRingEmulator kernel = new FrameRingEmulator(ring, GEOMETRY, 4);
        final byte[] f = TestFrames.frame(7, 90);
        kernel.add(MemorySegment.ofArray(f), 0, 90, 0, 0x0abc, PacketConstants.ETH_P_8021AD, 0, 1);
        new FrameRing(ring, GEOMETRY, SliceScope.RING, true)
                .poll(
                        frame -> {
                            assertArrayEquals(TestFrames.taggedFrame(7, 90, 0x88A8, 0x0abc), frame.toByteArray());
                            assertEquals(94, frame.wireLength());
                        },
                        1);
    }

    /**
     * With PACKET_VNET_HDR the kernel writes the virtio_net_hdr at tp_mac - 10 (tp_mac 80 with PACKET_RESERVE 4): the
     * emulator with a reserve of 4 + 10 puts the frame there. Re-inserting a VLAN tag moves the header down with the
     * frame's start and adds the tag's 4 bytes to csum_start and hdr_len; an untagged frame's header is left as is.
     */
    @Test
    void shouldKeepTheVnetHeaderRightBeforeTheFrameAndShiftItsOffsetsForAReinsertedTag() {
        final FrameRingEmulator kernel = new FrameRingEmulator(ring, GEOMETRY, 4 + 10);
        final byte[] f = TestFrames.frame(3, 90);
        kernel.add(MemorySegment.ofArray(f), 0, 90, 0, 0x0064, PacketConstants.ETH_P_8021Q, 0, 1);
        writeVnet(GEOMETRY.frameOffset(0) + 70);
        kernel.add(MemorySegment.ofArray(f), 0, 90, 0, -1, 0, 0, 1);
        writeVnet(GEOMETRY.frameOffset(1) + 70);
        final int[] seen = new int[2];
        new FrameRing(ring, GEOMETRY, SliceScope.RING, true, true)
                .poll(
                        frame -> {
                            final boolean tagged = frame.vlanTagInData();
                            assertTrue(frame.hasVnetHeader());
                            assertEquals(frame.dataOffset() - 10, frame.vnetHeaderOffset());
                            assertEquals(1, frame.vnetFlags());
                            assertEquals(1, frame.gsoType());
                            assertEquals(1448, frame.gsoSize());
                            assertEquals(16, frame.csumOffset());
                            assertEquals(tagged ? 38 : 34, frame.csumStart());
                            assertEquals(tagged ? 70 : 66, frame.vnetHeaderLength());
                            assertArrayEquals(
                                    tagged ? TestFrames.taggedFrame(3, 90, 0x8100, 0x0064) : f, frame.toByteArray());
                            seen[tagged ? 0 : 1]++;
                        },
                        2);
        assertArrayEquals(new int[] {1, 1}, seen);
    }

    private void writeVnet(final long at) {
        ring.set(JAVA_BYTE, at, (byte) 1); // NEEDS_CSUM
        ring.set(JAVA_BYTE, at + 1, (byte) 1); // TCPV4
        ring.set(JAVA_SHORT_UNALIGNED, at + 2, (short) 66);
        ring.set(JAVA_SHORT_UNALIGNED, at + 4, (short) 1448);
        ring.set(JAVA_SHORT_UNALIGNED, at + 6, (short) 34);
        ring.set(JAVA_SHORT_UNALIGNED, at + 8, (short) 16);
    }

    @Test
    void shouldReturnFramesEvenWhenTheHandlerThrows() {
        final FrameRingEmulator kernel = new FrameRingEmulator(ring, GEOMETRY, 0);
        final byte[] f = TestFrames.frame(1, 64);
        kernel.add(MemorySegment.ofArray(f), 0, 64, 0, -1, 0, 0, 1);
        final FrameRing walker = new FrameRing(ring, GEOMETRY, SliceScope.BLOCK, false);
        assertThrows(
                IllegalArgumentException.class,
                () -> walker.poll(
                        frame -> {
                            throw new IllegalArgumentException("broken handler");
                        },
                        10));
        assertEquals(
                PacketConstants.TP_STATUS_KERNEL,
                ring.get(JAVA_INT, GEOMETRY.frameOffset(0) + Tpacket2HeaderDescriptor.STATUS_OFFSET));
        assertFalse(walker.isReadable());
    }

    @Test
    void shouldWalkFramesThatDoNotFillTheirBlocks() {
        final RingGeometry uneven = RingGeometry.frames(1504, 6, 4096);
        assertEquals(2, uneven.framesPerBlock());
        final MemorySegment memory = arena.allocate(uneven.sizeBytes(), 4096);
        final FrameRingEmulator kernel = new FrameRingEmulator(memory, uneven, 0);
        final FrameRing walker = new FrameRing(memory, uneven, SliceScope.BLOCK, false);
        final List<Integer> sequences = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 5; i++) {
                final byte[] f = TestFrames.frame(round * 10 + i, 100);
                kernel.add(MemorySegment.ofArray(f), 0, f.length, 0, -1, 0, 0, 1);
            }
            walker.poll(frame -> sequences.add(TestFrames.sequenceOf(frame.toByteArray())), 100);
        }
        assertEquals(List.of(0, 1, 2, 3, 4, 10, 11, 12, 13, 14, 20, 21, 22, 23, 24), sequences);
        final MemorySegment txMemory = arena.allocate(uneven.sizeBytes(), 4096);
        final TxRing filler = new TxRing(txMemory, uneven, () -> 0, 100);
        for (int i = 0; i < 6; i++) {
            assertEquals(true, filler.offer(MemorySegment.ofArray(TestFrames.frame(i, 64)), 0, 64));
            assertArrayEquals(
                    TestFrames.frame(i, 64),
                    txMemory.asSlice(uneven.frameOffset(i) + 32, 64).toArray(JAVA_BYTE));
        }
        assertFalse(filler.offer(MemorySegment.ofArray(TestFrames.frame(6, 64)), 0, 64));
    }
}
