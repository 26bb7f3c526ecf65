package io.npflua.engine.source;

/**
 * Where a worker's frames come from: one AF_PACKET ring, a mapped pcap file, or an in-memory buffer in tests.
 *
 * <p>A source is owned by exactly one worker thread, which calls {@link #poll} in its duty cycle. Implementations
 * allocate nothing per frame. Every frame is handed out exactly once. If the consumer throws, the frame it was given
 * counts as taken (the worker accounts for it) and the exception leaves {@code poll}; the source keeps its place, so
 * the next poll continues with the following frame, losing and repeating nothing (a V2 slot is given back at once; a
 * V3 block is given back when its last frame was handed out). The abstract test {@code FrameSourceContract} (engine
 * test-jar) checks this for every implementation.
 */
public interface FrameSource extends AutoCloseable {
    /**
     * Hands up to {@code limit} ready frames to {@code consumer} and returns how many it handed out (0 when none
     * were ready). Never blocks. Allocates nothing per frame.
     */
    int poll(FrameConsumer consumer, int limit);

    /**
     * Waits up to {@code timeoutNs} for frames to become ready (e.g. poll(2) on the socket). Returns true when frames
     * may be ready. The default returns false at once, telling the worker to back off with its idle strategy.
     */
    default boolean await(long timeoutNs) {
        return false;
    }

    /** Whether {@link #await} really blocks; the worker then uses it instead of its idle strategy. */
    default boolean canAwait() {
        return false;
    }

    /**
     * Adds the kernel counters accumulated since the previous call to {@code into} (the kernel clears them on read).
     * Sources without a kernel behind them report the frames they handed out as packets and no drops.
     */
    void readStats(SourceStats into);

    /**
     * True once a finite source (a file, a test buffer) has handed out its last frame. Live sources never end;
     * an interface that disappears is reported by throwing from {@link #poll} instead.
     */
    default boolean endOfStream() {
        return false;
    }

    /**
     * Stops taking new frames from the kernel (e.g. attaches a drop-all filter, or stops a file at the current
     * record) so that the worker's final drain and stats read balance exactly: every packet the kernel counted is then
     * either dropped or handed out. Called once, on the worker's thread, when the worker stops. Default: nothing.
     */
    default void quiesce() {}

    /**
     * True when frames are captured now (their times are the wall clock's, and idle flows age with it); false for
     * recorded frames (a file), whose own times are the clock.
     */
    default boolean live() {
        return false;
    }

    /** A short name for messages, e.g. {@code eth0#1} or a file name. */
    String name();

    /** Releases the ring or mapping. Idempotent. */
    @Override
    void close();
}
