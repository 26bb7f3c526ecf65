package io.npflua.engine.source;

/**
 * Creates sources for workers. The live factory (AF_PACKET rings through the {@code ffm} module) and the offline one
 * (pcap files) plug in here; tests pass one that returns {@link MemoryFrameSource}s.
 */
public interface FrameSourceFactory {
    /**
     * Checks, before anything is captured, that {@code name} can be opened (the interface exists, permissions
     * suffice, the file is readable). Throws {@link IllegalArgumentException} with a message a person can act on.
     */
    void validate(String name);

    /** Opens the source worker {@code request.workerIndex()} will own. May throw with an actionable message. */
    FrameSource open(SourceRequest request);

    /**
     * A source for the JIT warm-up that hands out the frames of {@code name} the way the workers' sources will (the
     * same source and frame classes, the same kind of memory) and never ends, or null when this factory has none
     * (live capture: the warm-up then runs a synthetic ring of the kind the workers read). See
     * {@code JitWarmup.FrameSupply}.
     */
    default FrameSource openForWarmup(String name) {
        return null;
    }
}
