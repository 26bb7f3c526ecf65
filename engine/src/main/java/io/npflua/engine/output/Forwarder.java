package io.npflua.engine.output;

import io.npflua.engine.counter.WorkerCounter;
import io.npflua.engine.source.Frame;

/**
 * Sends a passed frame out of the other interface of an inline bridge: the ffm TX path plugs in here at merge, copying
 * the bytes native-to-native from the RX slot into a TX slot. One instance per worker and direction, used only by
 * that worker's thread. Never sees a blocked frame.
 */
public interface Forwarder extends AutoCloseable {
    /**
     * Queues the frame for transmission; returns false when it cannot (TX ring full, interface down), which is
     * counted as {@code forward_failed}. Allocates nothing.
     */
    boolean forward(Frame frame);

    /**
     * Why the last {@link #forward} returned false, as the counter it is counted in: {@code FORWARD_FAILED} (ring
     * full, interface down) unless the forwarder knows better ({@code FORWARD_OVER_MTU}, {@code FORWARD_OVERSIZE}).
     * Allocates nothing.
     */
    default WorkerCounter refusal() {
        return WorkerCounter.FORWARD_FAILED;
    }

    /** Frames sent so far without the TX ring (straight from their RX slot); 0 for forwarders that never do. */
    default long sentDirect() {
        return 0;
    }

    /**
     * Kicks the kernel to send what was queued (e.g. {@code sendto} with {@code MSG_DONTWAIT}); called after every poll
     * of the route, also one that handed out nothing, so it must be cheap when there is nothing to send.
     */
    default void flush() {}

    /** Releases the TX ring. */
    @Override
    default void close() {}
}
