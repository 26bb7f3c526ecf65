package io.npflua.engine.source.ring;

import io.npflua.ffm.socket.BpfProgram;

/**
 * How live sources open their sockets: promiscuous mode, an optional kernel BPF filter, and the ring shapes.
 *
 * <p>Capture (tap) uses a TPACKET_V3 ring of {@code blockCount} blocks of {@code blockSize} bytes with a block
 * timeout of {@code blockTimeoutMs}: a block is handed to user space when full or when the timeout passes, so at low
 * rates a frame waits at most about that long (the kernel's retire timer may take up to twice the timeout). The
 * inline bridge uses TPACKET_V2 rings of {@code bridgeFrames} RX frames and {@code bridgeTxFrames} TX frames of
 * {@link #BRIDGE_FRAME_SIZE} bytes, which hand over each frame at once.
 *
 * @param promiscuous    receive frames addressed to other hosts too (default true, like tcpdump)
 * @param filter         a classic BPF program run in the kernel before the ring, or null
 * @param blockSize      V3 block size in bytes (power of two multiple of the page size; default 1 MiB)
 * @param blockCount     V3 blocks per socket (default 32: 32 MiB per worker and interface)
 * @param blockTimeoutMs V3 block retire timeout (default 2 ms)
 * @param bridgeFrames   V2 RX frames per bridge port (default 1024)
 * @param bridgeTxFrames V2 TX frames per bridge port (default 512)
 */
public record LiveCaptureOptions(
        boolean promiscuous,
        BpfProgram filter,
        int blockSize,
        int blockCount,
        int blockTimeoutMs,
        int bridgeFrames,
        int bridgeTxFrames) {
    /** Bytes per V2 frame on a bridge port: one MTU-sized Ethernet frame plus ring headers and a VLAN tag. */
    public static final int BRIDGE_FRAME_SIZE = 2048;

    /** Validates the numbers; the ring geometry itself is validated again by the socket at open. */
    public LiveCaptureOptions {
        if (blockSize <= 0 || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("block size must be a power of two, got " + blockSize);
        }
        if (blockCount < 2 || blockTimeoutMs < 1 || bridgeFrames < 16 || bridgeTxFrames < 16) {
            throw new IllegalArgumentException("ring too small: blockCount >= 2, blockTimeoutMs >= 1, bridge frames"
                    + " >= 16 (got " + blockCount + ", " + blockTimeoutMs + ", " + bridgeFrames + ", "
                    + bridgeTxFrames + ")");
        }
    }

    /**
     * Promiscuous, no filter, 32 x 1 MiB V3 blocks with a 2 ms timeout, 1024/512 bridge frames.
     *
     * <p>Why 2 ms: at low rates a frame waits for its block to time out (measured on veth: median 0.7 ms with a 1 ms
     * timeout, 3.7 ms with 4 ms); but at low rates each block also carries only a timeout's worth of frames, so
     * {@code blockCount x blockTimeoutMs} (here 64 ms) is all the buffering the ring offers against a stalled worker
     * (a GC pause, a slow script) before the kernel drops. At high rates blocks fill before the timeout and the full
     * 32 MiB buffers.
     */
    public static LiveCaptureOptions defaults() {
        return new LiveCaptureOptions(true, null, 1 << 20, 32, 2, 1024, 512);
    }

    /** A copy with a kernel filter (e.g. {@code BpfProgram.compileWithTcpdump("tcp port 22")}), or null for none. */
    public LiveCaptureOptions withFilter(BpfProgram program) {
        return new LiveCaptureOptions(
                promiscuous, program, blockSize, blockCount, blockTimeoutMs, bridgeFrames, bridgeTxFrames);
    }

    /** A copy with promiscuous mode on or off. */
    public LiveCaptureOptions withPromiscuous(boolean on) {
        return new LiveCaptureOptions(on, filter, blockSize, blockCount, blockTimeoutMs, bridgeFrames, bridgeTxFrames);
    }

    /** A copy with another V3 ring shape. */
    public LiveCaptureOptions withBlocks(int size, int count, int timeoutMs) {
        return new LiveCaptureOptions(promiscuous, filter, size, count, timeoutMs, bridgeFrames, bridgeTxFrames);
    }
}
