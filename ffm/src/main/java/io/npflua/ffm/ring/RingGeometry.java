package io.npflua.ffm.ring;

import io.npflua.ffm.layout.BlockDescriptor;
import io.npflua.ffm.layout.PacketConstants;
import io.npflua.ffm.layout.Tpacket2HeaderDescriptor;
import io.npflua.ffm.layout.Tpacket3HeaderDescriptor;
import java.lang.foreign.MemorySegment;

/**
 * The shape of a packet ring: {@code blockCount} blocks of {@code blockSize} bytes, each cut into
 * {@code blockSize / frameSize} frames. TPACKET_V3 fills whole blocks with variable-size records (the frame size is
 * bookkeeping only); TPACKET_V2 and TX rings use fixed frames.
 *
 * <p>{@link #validate(RingVersion, int, int)} checks, before any system call, every rule the kernel enforces in
 * {@code packet_set_ring} and explains what to change.
 *
 * @param blockSize      bytes per block: a multiple of the page size.
 * @param blockCount     number of blocks.
 * @param frameSize      bytes per frame: a multiple of 16, large enough for the header.
 * @param frameCount     number of frames: {@code blockCount * (blockSize / frameSize)}.
 * @param blockTimeoutMs V3 only: how long the kernel waits before handing over a partly filled block (0 = kernel
 *                       default, derived from the link speed).
 */
public record RingGeometry(int blockSize, int blockCount, int frameSize, int frameCount, int blockTimeoutMs) {
    /** The V3 frame size used for bookkeeping: records in a block are packed regardless of it. */
    public static final int V3_FRAME_SIZE = 2048;

    /**
     * A TPACKET_V3 capture ring.
     *
     * @param blockSize      bytes per block, a multiple of the page size (1 to 4 MiB is typical for capture).
     * @param blockCount     blocks in the ring.
     * @param blockTimeoutMs how long a partly filled block may wait before it is handed over, in ms.
     * @return the geometry.
     */
    public static RingGeometry blocks(final int blockSize, final int blockCount, final int blockTimeoutMs) {
        final int frameSize = Math.min(V3_FRAME_SIZE, blockSize);
        final int framesPerBlock = frameSize <= 0 ? 0 : blockSize / frameSize;
        return new RingGeometry(blockSize, blockCount, frameSize, framesPerBlock * blockCount, blockTimeoutMs);
    }

    /**
     * A frame ring (TPACKET_V2 RX, or TX): blocks are the smallest page multiple holding one frame, and the frame
     * count is rounded up to fill whole blocks.
     *
     * @param frameSize  bytes per frame including the header: a multiple of 16 (2048 holds a 1500-byte MTU frame).
     * @param frameCount frames wanted.
     * @param pageSize   the page size ({@code Syscalls.pageSize()}).
     * @return the geometry.
     */
    public static RingGeometry frames(final int frameSize, final int frameCount, final int pageSize) {
        if (frameSize <= 0 || frameCount <= 0) {
            throw new IllegalArgumentException(
                    "ring frames must be positive: frame size " + frameSize + " B, frame count " + frameCount);
        }
        final int blockSize = Math.ceilDiv(frameSize, pageSize) * pageSize;
        final int framesPerBlock = blockSize / frameSize;
        final int blockCount = Math.ceilDiv(frameCount, framesPerBlock);
        return new RingGeometry(blockSize, blockCount, frameSize, blockCount * framesPerBlock, 0);
    }

    /** @return frames in one block. */
    public int framesPerBlock() {
        return blockSize / frameSize;
    }

    /** @return bytes of the whole ring. */
    public long sizeBytes() {
        return (long) blockSize * blockCount;
    }

    /**
     * @param index a frame index below {@link #frameCount()}.
     * @return the frame's offset from the start of the ring (frames never straddle blocks).
     */
    public long frameOffset(final int index) {
        final int framesPerBlock = blockSize / frameSize;
        return (long) (index / framesPerBlock) * blockSize + (long) (index % framesPerBlock) * frameSize;
    }

    /**
     * Checks that a ring segment is large enough for this geometry (every ring walker's first step).
     *
     * @param ring the ring memory.
     * @return {@code ring}.
     * @throws IllegalArgumentException when the segment is shorter than {@link #sizeBytes()}.
     */
    public MemorySegment requireFits(final MemorySegment ring) {
        if (ring.byteSize() < sizeBytes()) {
            throw new IllegalArgumentException(
                    "ring segment of " + ring.byteSize() + " B is smaller than " + describe());
        }
        return ring;
    }

    /**
     * Checks every rule the kernel applies to a ring, so that a bad size is explained here rather than by EINVAL.
     *
     * @param version  the ring's TPACKET version (TX rings use {@link RingVersion#V2}).
     * @param reserve  bytes of PACKET_RESERVE headroom (4 when VLAN tags are re-inserted).
     * @param pageSize the page size.
     * @return this geometry.
     * @throws IllegalArgumentException with what is wrong and what to choose instead.
     */
    public RingGeometry validate(final RingVersion version, final int reserve, final int pageSize) {
        final int headerLength =
                version == RingVersion.V3 ? Tpacket3HeaderDescriptor.HDRLEN : Tpacket2HeaderDescriptor.HDRLEN;
        final int minFrame = headerLength + reserve;
        if (blockSize <= 0 || blockCount <= 0) {
            throw new IllegalArgumentException(
                    "ring needs a positive block size and count, got " + describe() + ": e.g. 1 MiB blocks x 64");
        }
        if (blockSize % pageSize != 0) {
            throw new IllegalArgumentException(
                    "ring block size " + blockSize + " B is not a multiple of the page size (" + pageSize + " B): use "
                            + (Math.ceilDiv(blockSize, pageSize) * pageSize) + " B or a power of two");
        }
        if (frameSize < minFrame) {
            throw new IllegalArgumentException(
                    "ring frame size " + frameSize + " B is smaller than the " + minFrame + " B the " + version
                            + " header needs: use at least " + PacketConstants.tpacketAlign(minFrame + 64) + " B");
        }
        if (frameSize % PacketConstants.TPACKET_ALIGNMENT != 0) {
            throw new IllegalArgumentException("ring frame size " + frameSize + " B is not a multiple of "
                    + PacketConstants.TPACKET_ALIGNMENT + ": use " + PacketConstants.tpacketAlign(frameSize) + " B");
        }
        if (frameSize > blockSize) {
            throw new IllegalArgumentException("ring frame size " + frameSize + " B exceeds the block size " + blockSize
                    + " B: use blocks of at least " + (Math.ceilDiv(frameSize, pageSize) * pageSize) + " B");
        }
        if (version == RingVersion.V3 && blockSize < BlockDescriptor.LAYOUT.byteSize() + minFrame) {
            throw new IllegalArgumentException("ring block size " + blockSize + " B cannot hold one packet record");
        }
        if ((long) framesPerBlock() * blockCount != frameCount) {
            throw new IllegalArgumentException(
                    "ring frame count " + frameCount + " must equal blocks x frames per block = " + blockCount + " x "
                            + framesPerBlock() + " = " + (long) framesPerBlock() * blockCount);
        }
        if (sizeBytes() > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(
                    "ring of " + describe() + " exceeds the kernel's 4 GiB limit: use fewer or smaller blocks");
        }
        if (blockTimeoutMs < 0) {
            throw new IllegalArgumentException("ring block timeout must be >= 0 ms, got " + blockTimeoutMs);
        }
        return this;
    }

    /** @return the geometry as a person reads it, e.g. {@code block 4 MiB x 64 = 256 MiB, frame 2048 B}. */
    public String describe() {
        return "block " + size(blockSize) + " x " + blockCount + " = " + size(sizeBytes()) + ", frame " + frameSize
                + " B";
    }

    private static String size(final long bytes) {
        if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes >= 1 << 10 && bytes % (1 << 10) == 0) {
            return (bytes >> 10) + " KiB";
        }
        return bytes + " B";
    }
}
