package io.npflua.engine.source;

import java.util.List;

/** {@link FrameSourceContract} against the in-memory source. */
class MemoryFrameSourceContractTest extends FrameSourceContract {
    @Override
    protected Fixture open(List<byte[]> frames) {
        MemoryFrameSource.Builder b = MemoryFrameSource.builder("memory");
        frames.forEach(b::add);
        MemoryFrameSource source = b.build();
        return new Fixture() {
            @Override
            public FrameSource source() {
                return source;
            }

            @Override
            public void close() {
                source.close();
            }
        };
    }
}
