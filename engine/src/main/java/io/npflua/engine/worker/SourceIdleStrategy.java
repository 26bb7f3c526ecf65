package io.npflua.engine.worker;

import io.npflua.engine.agent.IdleStrategy;
import io.npflua.engine.source.FrameSource;

/**
 * The idle strategy of a worker with one source: blocks in the source's own wait ({@link FrameSource#await}, poll(2)
 * on a socket) when it can, and falls back to {@code fallback} when it cannot. Allocates nothing.
 */
final class SourceIdleStrategy implements IdleStrategy {
    private final FrameSource source;
    private final long awaitTimeoutNs;
    private final IdleStrategy fallback;

    SourceIdleStrategy(FrameSource source, long awaitTimeoutNs, IdleStrategy fallback) {
        this.source = source;
        this.awaitTimeoutNs = awaitTimeoutNs;
        this.fallback = fallback;
    }

    @Override
    public void idle(int workCount) {
        if (workCount > 0) {
            fallback.reset();
        } else if (source.canAwait()) {
            source.await(awaitTimeoutNs);
        } else {
            fallback.idle(0);
        }
    }

    @Override
    public void reset() {
        fallback.reset();
    }
}
