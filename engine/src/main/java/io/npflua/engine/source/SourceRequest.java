package io.npflua.engine.source;

import io.npflua.ffm.socket.FanoutMode;

/**
 * What a worker asks a {@link FrameSourceFactory} for: the interface (or file) {@code name}, this worker's index
 * among {@code workerCount} workers, the fanout mode, whether frames must be writable (inline bridge), and the
 * snap length (0 = the factory's default).
 */
public record SourceRequest(
        String name, int workerIndex, int workerCount, FanoutMode fanout, boolean inline, int snapLength) {}
