package io.npflua.engine.source;

/**
 * What every {@link FrameSource} shares: its name, the one {@link Frame} it re-points at each frame it hands out, and
 * an idempotent {@link #close()}. A subclass calls {@link #ensureOpen()} at the top of {@link #poll} and frees its
 * resources in {@link #release()}, which runs once.
 *
 * <p>Owned by one worker thread, like every source.
 */
public abstract class AbstractFrameSource implements FrameSource {
    /** The source's name, for messages. */
    protected final String name;
    /** The flyweight handed to consumers, re-pointed at every frame. */
    protected final Frame frame = new Frame();

    private boolean closed;

    /** @param name for messages, e.g. {@code eth0#1} or a file name */
    protected AbstractFrameSource(String name) {
        this.name = name;
    }

    /** Throws when the source was closed: a worker must not poll a closed source. Allocates nothing when open. */
    protected final void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("source " + name + " is closed");
        }
    }

    /** Whether {@link #close()} has run. */
    protected final boolean isClosed() {
        return closed;
    }

    /** Frees what the source holds (ring, socket, mapping, arena); called once, by the first {@link #close()}. */
    protected abstract void release();

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final void close() {
        if (!closed) {
            closed = true;
            release();
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + '[' + name + ']';
    }
}
