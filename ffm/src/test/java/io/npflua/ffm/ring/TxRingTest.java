package io.npflua.ffm.ring;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.ffm.lab.TestFrames;
import io.npflua.ffm.layout.PacketConstants;
import io.npflua.ffm.layout.Tpacket2HeaderDescriptor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TxRingTest {
    private static final RingGeometry GEOMETRY = RingGeometry.frames(2048, 4, 4096);
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment ring = arena.allocate(GEOMETRY.sizeBytes(), 4096);
    private int kicks;

    @AfterEach
    void close() {
        arena.close();
    }

    private int status(final int frame) {
        return ring.get(JAVA_INT, GEOMETRY.frameOffset(frame) + Tpacket2HeaderDescriptor.STATUS_OFFSET);
    }

    @Test
    void shouldFillFramesInOrderAndKickPerBatch() {
        final TxRing tx = new TxRing(ring, GEOMETRY, () -> ++kicks, 2);
        final byte[] f = TestFrames.frame(5, 100);
        assertTrue(tx.offer(MemorySegment.ofArray(f), 0, f.length));
        assertEquals(0, kicks);
        assertTrue(tx.offer(MemorySegment.ofArray(f), 0, f.length));
        assertEquals(1, kicks);
        assertEquals(PacketConstants.TP_STATUS_SEND_REQUEST, status(0));
        assertEquals(PacketConstants.TP_STATUS_SEND_REQUEST, status(1));
        assertEquals(100, ring.get(JAVA_INT, GEOMETRY.frameOffset(1) + Tpacket2HeaderDescriptor.LEN_OFFSET));
        assertArrayEquals(f, ring.asSlice(GEOMETRY.frameOffset(1) + 32, 100).toArray(JAVA_BYTE));
        assertEquals(2, tx.inFlight());
    }

    /** With vnet headers each frame starts with the virtio_net_hdr, and tp_len counts its 10 bytes. */
    @Test
    void shouldWriteTheVnetHeaderBeforeTheFrameAndCountItInTpLen() {
        final TxRing tx = new TxRing(ring, GEOMETRY, () -> 0, 100, true);
        assertTrue(tx.hasVnetHeader());
        assertEquals(2048 - 32 - 10, tx.maxFrameLength());
        final byte[] f = TestFrames.frame(9, 300);
        assertTrue(tx.offer(MemorySegment.ofArray(f), 0, f.length, 1, 4, 74, 1428, 54, 16));
        final long data = GEOMETRY.frameOffset(0) + 32;
        assertEquals(310, ring.get(JAVA_INT, GEOMETRY.frameOffset(0) + Tpacket2HeaderDescriptor.LEN_OFFSET));
        assertArrayEquals(
                new byte[] {1, 4, 74, 0, (byte) 0x94, 5, 54, 0, 16, 0},
                ring.asSlice(data, 10).toArray(JAVA_BYTE),
                "flags, gso_type, hdr_len, gso_size, csum_start, csum_offset (little-endian)");
        assertArrayEquals(f, ring.asSlice(data + 10, 300).toArray(JAVA_BYTE));
        assertTrue(tx.offer(MemorySegment.ofArray(f), 0, f.length));
        assertArrayEquals(
                new byte[10], ring.asSlice(GEOMETRY.frameOffset(1) + 32, 10).toArray(JAVA_BYTE));
    }

    @Test
    void shouldSayWhetherTheKernelTookEveryFrameOffered() {
        final TxRing tx = new TxRing(ring, GEOMETRY, () -> 0, 100);
        final byte[] f = TestFrames.frame(1, 60);
        assertTrue(tx.allTaken(), "nothing offered yet");
        assertTrue(tx.offer(MemorySegment.ofArray(f), 0, 60));
        assertTrue(tx.offer(MemorySegment.ofArray(f), 0, 60));
        assertFalse(tx.allTaken(), "both still SEND_REQUEST");
        ring.set(JAVA_INT, GEOMETRY.frameOffset(0), PacketConstants.TP_STATUS_SENDING);
        assertFalse(tx.allTaken(), "the second one still waits");
        ring.set(JAVA_INT, GEOMETRY.frameOffset(1), PacketConstants.TP_STATUS_SENDING);
        assertTrue(tx.allTaken(), "taken, on its way (SENDING)");
        ring.set(JAVA_INT, GEOMETRY.frameOffset(1), PacketConstants.TP_STATUS_AVAILABLE);
        assertTrue(tx.allTaken(), "and done");
    }

    @Test
    void shouldRefuseWhenTheNextFrameIsStillTheKernels() {
        final TxRing tx = new TxRing(ring, GEOMETRY, () -> 0, 100);
        final byte[] f = TestFrames.frame(1, 60);
        for (int i = 0; i < 4; i++) {
            assertTrue(tx.offer(MemorySegment.ofArray(f), 0, 60));
        }
        assertFalse(tx.offer(MemorySegment.ofArray(f), 0, 60));
        // The kernel finishes frame 0.
        ring.set(JAVA_INT, GEOMETRY.frameOffset(0), PacketConstants.TP_STATUS_AVAILABLE);
        assertTrue(tx.offer(MemorySegment.ofArray(f), 0, 60));
    }

    @Test
    void shouldCountOversizeFramesWithoutQueueingThem() {
        final TxRing tx = new TxRing(ring, GEOMETRY, () -> 0, 1);
        assertEquals(2048 - 32, tx.maxFrameLength());
        assertFalse(tx.offer(MemorySegment.ofArray(new byte[3000]), 0, 3000));
        assertEquals(1, tx.oversizeCount());
        assertEquals(PacketConstants.TP_STATUS_AVAILABLE, status(0));
    }

    @Test
    void shouldReuseFramesParkedAsWrongFormat() {
        final TxRing tx = new TxRing(ring, GEOMETRY, () -> 0, 100);
        ring.set(JAVA_INT, GEOMETRY.frameOffset(0), PacketConstants.TP_STATUS_WRONG_FORMAT);
        assertTrue(tx.offer(MemorySegment.ofArray(TestFrames.frame(1, 60)), 0, 60));
        assertEquals(1, tx.wrongFormatCount());
    }

    @Test
    void shouldCopyStraightFromAnRxFrame() {
        final RingGeometry rxGeometry = RingGeometry.blocks(4096, 2, 10);
        final MemorySegment rx = arena.allocate(rxGeometry.sizeBytes(), 4096);
        final BlockRingEmulator kernel = new BlockRingEmulator(rx, rxGeometry, 0);
        final byte[] f = TestFrames.frame(9, 128);
        kernel.add(MemorySegment.ofArray(f), 0, 128, 128, 0, -1, 0, 0, 1);
        kernel.closeBlock();
        final TxRing tx = new TxRing(ring, GEOMETRY, () -> 0, 100);
        new BlockRing(rx, rxGeometry, SliceScope.BLOCK, false).poll(frame -> assertTrue(tx.offer(frame)), 10);
        assertArrayEquals(f, ring.asSlice(32, 128).toArray(JAVA_BYTE));
    }
}
