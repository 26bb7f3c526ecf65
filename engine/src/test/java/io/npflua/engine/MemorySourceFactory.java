package io.npflua.engine;

import io.npflua.engine.source.FrameSource;
import io.npflua.engine.source.FrameSourceFactory;
import io.npflua.engine.source.MemoryFrameSource;
import io.npflua.engine.source.SourceRequest;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * Test factory: every (interface, worker) gets a {@link MemoryFrameSource} of {@code framesPerPass} 64-byte frames
 * whose byte 0 is the frame's number modulo 256 and bytes 1..4 a big-endian sequence number, handed out {@code passes}
 * times. Interfaces outside {@code known} fail validation like a missing NIC would.
 */
final class MemorySourceFactory implements FrameSourceFactory {
    final List<MemoryFrameSource> opened = new CopyOnWriteArrayList<>();
    private final Set<String> known;
    private final int framesPerPass;
    private final long passes;
    private final long kernelDrops;
    private final UnaryOperator<FrameSource> wrapper;

    MemorySourceFactory(Set<String> known, int framesPerPass, long passes, long kernelDrops) {
        this(known, framesPerPass, passes, kernelDrops, UnaryOperator.identity());
    }

    MemorySourceFactory(
            Set<String> known, int framesPerPass, long passes, long kernelDrops, UnaryOperator<FrameSource> wrapper) {
        this.known = known;
        this.framesPerPass = framesPerPass;
        this.passes = passes;
        this.kernelDrops = kernelDrops;
        this.wrapper = wrapper;
    }

    static byte[] frame(int n) {
        byte[] b = new byte[64];
        b[0] = (byte) n;
        b[1] = (byte) (n >>> 24);
        b[2] = (byte) (n >>> 16);
        b[3] = (byte) (n >>> 8);
        b[4] = (byte) n;
        return b;
    }

    @Override
    public void validate(String name) {
        if (!known.contains(name)) {
            throw new IllegalArgumentException("interface " + name + " does not exist (ip link show)");
        }
    }

    @Override
    public FrameSource open(SourceRequest request) {
        MemoryFrameSource.Builder b = MemoryFrameSource.builder(request.name() + "#" + request.workerIndex())
                .passes(passes)
                .kernelDrops(kernelDrops)
                .writable(request.inline());
        for (int i = 0; i < framesPerPass; i++) {
            b.add(frame(i));
        }
        MemoryFrameSource s = b.build();
        opened.add(s);
        return wrapper.apply(s);
    }

    long handedOut() {
        return opened.stream().mapToLong(MemoryFrameSource::handedOut).sum();
    }
}
