package io.npflua.engine.worker;

import io.npflua.engine.agent.ErrorHandler;
import io.npflua.engine.counter.WorkerCounter;
import io.npflua.engine.counter.WorkerCounters;
import io.npflua.engine.output.Forwarder;
import io.npflua.engine.output.VerdictSink;
import io.npflua.engine.source.Frame;

/**
 * Where one worker's judged frames go: the passed and blocked verdict sinks, and a route's forwarder. An output that
 * throws is counted ({@code output_errors}, or {@code forward_failed}) and reported, never fatal. Owned by the worker
 * thread; allocates nothing per frame.
 */
final class VerdictOutputs {
    private final VerdictSink passedSink;
    private final VerdictSink blockedSink;
    private final WorkerCounters counters;
    private final ErrorHandler errors;
    private final int worker;
    private boolean sinksDirty;

    VerdictOutputs(
            VerdictSink passedSink, VerdictSink blockedSink, WorkerCounters counters, ErrorHandler errors, int worker) {
        this.passedSink = passedSink;
        this.blockedSink = blockedSink;
        this.counters = counters;
        this.errors = errors;
        this.worker = worker;
    }

    /** A passed frame: forwarded (inline) and written to the passed sink. Allocates nothing. */
    void passed(Forwarder forwarder, Frame frame) {
        if (forwarder != null) {
            forward(forwarder, frame);
        }
        if (passedSink != null) {
            sink(passedSink, frame);
        }
    }

    /** A blocked frame: written to the blocked sink. Allocates nothing. */
    void blocked(Frame frame) {
        if (blockedSink != null) {
            sink(blockedSink, frame);
        }
    }

    /** Sends what a forwarder batched, or what a kick left behind (after each poll of the route). */
    void flush(Forwarder forwarder) {
        try {
            forwarder.flush();
        } catch (RuntimeException e) {
            outputError("forwarder flush", e);
        }
    }

    /** Flushes the sinks if anything was written since the last flush. */
    void flushSinksIfDirty() {
        if (!sinksDirty) {
            return;
        }
        sinksDirty = false;
        try {
            if (passedSink != null) {
                passedSink.flush();
            }
            if (blockedSink != null) {
                blockedSink.flush();
            }
        } catch (RuntimeException e) {
            outputError("verdict sink flush", e);
        }
    }

    /** The passed sink, or null. */
    VerdictSink passedSink() {
        return passedSink;
    }

    /** The blocked sink, or null. */
    VerdictSink blockedSink() {
        return blockedSink;
    }

    private void forward(Forwarder forwarder, Frame frame) {
        if (frame.capturedLength() < frame.wireLength()) {
            counters.increment(WorkerCounter.FORWARD_TRUNCATED); // never a cut frame on the wire
            return;
        }
        try {
            if (forwarder.forward(frame)) {
                counters.increment(WorkerCounter.FORWARDED);
            } else {
                counters.increment(forwarder.refusal()); // by reason: failed, over the MTU, over the slot
            }
        } catch (RuntimeException e) {
            counters.increment(WorkerCounter.FORWARD_FAILED);
            outputError("forwarder", e);
        }
    }

    private void sink(VerdictSink sink, Frame frame) {
        try {
            sink.accept(frame);
            sinksDirty = true;
        } catch (RuntimeException e) {
            outputError("verdict sink", e);
        }
    }

    private void outputError(String what, RuntimeException e) {
        counters.increment(WorkerCounter.OUTPUT_ERRORS);
        try {
            errors.onWorkerError(worker, what + " failed", e, false);
        } catch (RuntimeException ignored) {
            // The error handler must not take the worker down.
        }
    }
}
