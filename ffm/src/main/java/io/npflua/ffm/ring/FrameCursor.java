package io.npflua.ffm.ring;

/**
 * A position in a fixed-frame ring (TPACKET_V2 RX, or TX): frame index, slot in its block and byte offset, moved one
 * frame at a time without a division (frames never straddle blocks, so the last frame of a block jumps over the
 * block's tail to the next block).
 */
final class FrameCursor {
    private final int frameCount;
    private final int framesPerBlock;
    private final int frameSize;
    private final long blockStride;

    private int index;
    private int slot;
    private long offset;

    FrameCursor(final RingGeometry geometry) {
        frameCount = geometry.frameCount();
        framesPerBlock = geometry.framesPerBlock();
        frameSize = geometry.frameSize();
        // From the last frame of a block to the first of the next one.
        blockStride = geometry.blockSize() - (long) (framesPerBlock - 1) * frameSize;
    }

    /** @return the byte offset of the current frame in the ring. */
    long offset() {
        return offset;
    }

    /** Moves to the next frame, wrapping at the end of the ring. Allocation-free (per-packet path). */
    void advance() {
        if (++index == frameCount) {
            index = 0;
            slot = 0;
            offset = 0;
        } else if (++slot == framesPerBlock) {
            slot = 0;
            offset += blockStride;
        } else {
            offset += frameSize;
        }
    }

    /**
     * Moves to where {@code other} is. Allocation-free.
     *
     * @param other a cursor over the same geometry.
     */
    void moveTo(final FrameCursor other) {
        index = other.index;
        slot = other.slot;
        offset = other.offset;
    }
}
