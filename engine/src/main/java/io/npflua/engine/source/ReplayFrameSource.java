package io.npflua.engine.source;

/**
 * A finite {@link FrameSource} that hands out a stored frame set (a file, a test buffer) a number of passes, then
 * reports {@link #endOfStream()}. No kernel is behind it: its stats are the frames it handed out as packets, plus any
 * drops a subclass simulates. Subclasses count each frame they hand out in {@link #handedOut} and
 * {@link #unreportedPackets}, and take one from {@link #passesLeft} at the end of each pass.
 */
public abstract class ReplayFrameSource extends AbstractFrameSource {
    /** Passes still to hand out, the current one included; 0 at the end. */
    protected long passesLeft;
    /** Frames handed out so far. */
    protected long handedOut;
    /** Packets (frames handed out, simulated drops) not yet reported by {@link #readStats}. */
    protected long unreportedPackets;
    /** Simulated kernel drops not yet reported by {@link #readStats}. */
    protected long unreportedDrops;

    /**
     * @param name   for messages
     * @param passes how many times the frame set is handed out
     */
    protected ReplayFrameSource(String name, long passes) {
        super(name);
        this.passesLeft = passes;
    }

    @Override
    public final void readStats(SourceStats into) {
        into.add(unreportedPackets, unreportedDrops, 0);
        unreportedPackets = 0;
        unreportedDrops = 0;
    }

    @Override
    public final boolean endOfStream() {
        return passesLeft == 0;
    }

    /** Stops at the current frame: the source then reports its end. */
    @Override
    public final void quiesce() {
        passesLeft = 0;
    }

    /** Frames handed out so far. */
    public final long handedOut() {
        return handedOut;
    }
}
