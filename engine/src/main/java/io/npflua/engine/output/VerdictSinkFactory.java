package io.npflua.engine.output;

import io.npflua.engine.source.Frame;

/**
 * Makes one {@link VerdictSink} per worker. A pcap writer shared by several workers can return per-worker sinks that
 * buffer records and append them under a lock on flush, or write one file per worker.
 */
@FunctionalInterface
public interface VerdictSinkFactory {
    /** The sink for worker {@code workerIndex}. */
    VerdictSink open(int workerIndex);

    /** A factory that hands every worker the same sink, which must then be thread-safe. */
    static VerdictSinkFactory shared(VerdictSink sink) {
        return worker -> new VerdictSink() {
            @Override
            public void accept(Frame frame) {
                sink.accept(frame);
            }

            @Override
            public void flush() {
                sink.flush();
            }

            @Override
            public void close() {
                sink.flush();
            }
        };
    }
}
