package io.npflua.engine.source;

/** A source that delegates everything to another one; tests override what they break (engine and tools tests). */
public class ForwardingSource implements FrameSource {
    private final FrameSource inner;

    public ForwardingSource(FrameSource inner) {
        this.inner = inner;
    }

    @Override
    public int poll(FrameConsumer consumer, int limit) {
        return inner.poll(consumer, limit);
    }

    @Override
    public void readStats(SourceStats into) {
        inner.readStats(into);
    }

    @Override
    public boolean endOfStream() {
        return inner.endOfStream();
    }

    @Override
    public void quiesce() {
        inner.quiesce();
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void close() {
        inner.close();
    }
}
