package io.npflua.ffm.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FrameCursorTest {
    private static final int PAGE = 4096;

    @Test
    void shouldVisitEveryFrameOffsetInRingOrderAndWrapToTheStart() {
        // 1500-byte frames leave a tail in every 4 KiB block that the cursor must skip.
        final RingGeometry geometry = RingGeometry.frames(1504, 7, PAGE);
        final FrameCursor cursor = new FrameCursor(geometry);
        for (int lap = 0; lap < 2; lap++) {
            for (int i = 0; i < geometry.frameCount(); i++) {
                assertEquals(geometry.frameOffset(i), cursor.offset(), "frame " + i + " of lap " + lap);
                cursor.advance();
            }
        }
        assertEquals(0, cursor.offset());
    }

    @Test
    void shouldContinueFromWhereAnotherCursorStands() {
        final RingGeometry geometry = RingGeometry.frames(2048, 8, PAGE);
        final FrameCursor reader = new FrameCursor(geometry);
        for (int i = 0; i < 7; i++) {
            reader.advance();
        }
        final FrameCursor trailing = new FrameCursor(geometry);
        trailing.moveTo(reader);
        assertEquals(geometry.frameOffset(7), trailing.offset());
        trailing.advance();
        assertEquals(0, trailing.offset(), "wraps after the last frame");
    }
}
