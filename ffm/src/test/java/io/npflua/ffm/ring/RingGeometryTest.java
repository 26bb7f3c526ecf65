package io.npflua.ffm.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class RingGeometryTest {
    private static final int PAGE = 4096;

    @Test
    void shouldAcceptTypicalCaptureRing() {
        final RingGeometry g = RingGeometry.blocks(1 << 20, 64, 10).validate(RingVersion.V3, 0, PAGE);
        assertEquals(512 * 64, g.frameCount());
        assertEquals("block 1 MiB x 64 = 64 MiB, frame 2048 B", g.describe());
    }

    @Test
    void shouldRoundFrameRingToWholeBlocks() {
        final RingGeometry g = RingGeometry.frames(2048, 7, PAGE).validate(RingVersion.V2, 0, PAGE);
        assertEquals(4096, g.blockSize());
        assertEquals(8, g.frameCount());
        assertEquals(4096 + 2048, g.frameOffset(3));
    }

    @Test
    void shouldExplainBlockSizeThatIsNotAPageMultiple() {
        final IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> RingGeometry.blocks(3000, 4, 10).validate(RingVersion.V3, 0, PAGE));
        assertTrue(e.getMessage().contains("not a multiple of the page size"), e.getMessage());
        assertTrue(e.getMessage().contains("use 4096 B"), e.getMessage());
    }

    @Test
    void shouldExplainFrameTooSmallForHeader() {
        final IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new RingGeometry(4096, 1, 48, 85, 0).validate(RingVersion.V2, 0, PAGE));
        assertTrue(e.getMessage().contains("smaller than the 52 B the V2 header needs"), e.getMessage());
    }

    @Test
    void shouldExplainUnalignedFrame() {
        final IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new RingGeometry(4096, 1, 1000, 4, 0).validate(RingVersion.V2, 0, PAGE));
        assertTrue(e.getMessage().contains("not a multiple of 16: use 1008 B"), e.getMessage());
    }

    @Test
    void shouldExplainFrameCountMismatch() {
        final IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new RingGeometry(4096, 2, 2048, 3, 0).validate(RingVersion.V2, 0, PAGE));
        assertTrue(e.getMessage().contains("2 x 2 = 4"), e.getMessage());
    }

    @Test
    void shouldRefuseRingsOverFourGibibytes() {
        assertThrows(
                IllegalArgumentException.class,
                () -> RingGeometry.blocks(1 << 30, 8, 10).validate(RingVersion.V3, 0, PAGE));
    }

    @Test
    void shouldRefuseARingSegmentShorterThanItsGeometryInEveryWalker() {
        final RingGeometry frames = RingGeometry.frames(2048, 4, PAGE);
        final RingGeometry blocks = RingGeometry.blocks(PAGE, 2, 10);
        final MemorySegment short4k = MemorySegment.ofArray(new byte[PAGE]);
        final String expected = "ring segment of 4096 B is smaller than block 4 KiB x 2 = 8 KiB, frame 2048 B";
        assertEquals(
                expected,
                assertThrows(
                                IllegalArgumentException.class,
                                () -> new FrameRing(short4k, frames, SliceScope.RING, false))
                        .getMessage());
        assertEquals(
                expected,
                assertThrows(IllegalArgumentException.class, () -> new TxRing(short4k, frames, () -> 0, 1))
                        .getMessage());
        assertEquals(
                expected,
                assertThrows(
                                IllegalArgumentException.class,
                                () -> new BlockRing(short4k, blocks, SliceScope.RING, false))
                        .getMessage());
    }
}
