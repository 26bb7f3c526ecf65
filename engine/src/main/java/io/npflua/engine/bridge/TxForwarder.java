package io.npflua.engine.bridge;

import io.npflua.engine.output.Forwarder;
import io.npflua.engine.source.Frame;
import io.npflua.ffm.ring.TxRing;
import io.npflua.ffm.sys.ErrnoException;

/**
 * Sends passed frames out of a bridge port's TX ring: the bytes are copied native to native from the RX slot (where a
 * rule may have rewritten them) into the next TX frame, and the kernel is kicked every ring batch and after each poll
 * batch ({@link #flush()}). Owned by one worker thread.
 */
final class TxForwarder implements Forwarder {
    private final TxRing tx;
    private final String name;
    private final Runnable onClose;
    private long refusedKicks;
    private boolean closed;

    TxForwarder(TxRing tx, String name, Runnable onClose) {
        this.tx = tx;
        this.name = name;
        this.onClose = onClose;
    }

    /**
     * Queues the frame; false when the TX ring is full, the frame was cut by a snap length or does not fit a TX frame,
     * or the interface refused the kick (down). Allocates nothing.
     */
    @Override
    public boolean forward(Frame frame) {
        if (frame.capturedLength() != frame.wireLength()) {
            return false;
        }
        try {
            return tx.offer(frame.segment(), frame.offset(), frame.capturedLength());
        } catch (ErrnoException e) {
            // The automatic kick failed (e.g. ENETDOWN): the frame stays queued and leaves with a later kick.
            refusedKicks++;
            return false;
        }
    }

    /** Kicks the kernel; an interface that is down is not an error here (the frames wait in the ring). */
    @Override
    public void flush() {
        if (tx.pending() == 0) {
            return;
        }
        try {
            tx.flush();
        } catch (ErrnoException e) {
            refusedKicks++;
        }
    }

    /** Kicks the kernel refused since the port was opened (interface down). */
    public long refusedKicks() {
        return refusedKicks;
    }

    /** Flushes and releases this forwarder's share of the port. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            flush();
            onClose.run();
        }
    }

    @Override
    public String toString() {
        return "TxForwarder[" + name + ']';
    }
}
