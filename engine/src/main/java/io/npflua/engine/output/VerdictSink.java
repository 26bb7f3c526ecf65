package io.npflua.engine.output;

import io.npflua.engine.source.Frame;

/**
 * Receives frames after the chain's verdict, e.g. a pcap writer of passed or blocked frames (plugs in at merge).
 * One instance per worker (see {@link VerdictSinkFactory}), called on that worker's thread; the frame is valid only
 * during the call, so a writer copies the bytes it needs (timestamp, wire length, captured bytes) before returning.
 * An exception is counted as an output error and reported; it never stops the worker.
 */
public interface VerdictSink extends AutoCloseable {
    /** Takes one frame. Should allocate nothing per frame. */
    void accept(Frame frame);

    /** Pushes buffered data out; called when the worker is idle and before close. */
    default void flush() {}

    /** Flushes and releases; called once on the worker's thread when it stops. */
    @Override
    default void close() {
        flush();
    }
}
