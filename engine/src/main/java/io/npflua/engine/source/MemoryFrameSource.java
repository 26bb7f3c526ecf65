package io.npflua.engine.source;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link FrameSource} over frames laid out back to back in one {@link MemorySegment}: for tests, for the engine
 * benchmark, and as the model the ring and pcap adapters follow.
 *
 * <p>The frame set is handed out {@code passes} times in order (or forever with {@link #ENDLESS}); then the source
 * reports {@link #endOfStream()}. Kernel statistics are simulated: every frame handed out counts as a kernel packet,
 * and {@link Builder#kernelDrops(long)} adds drops (which count as kernel packets too, as in {@code tp_packets}).
 *
 * <p>Owned by one worker thread, like every source.
 */
public final class MemoryFrameSource extends ReplayFrameSource {
    /** Pass count meaning "never end". */
    public static final long ENDLESS = Long.MAX_VALUE;

    private final MemorySegment segment;
    private final long[] offsets;
    private final int[] capturedLengths;
    private final int[] wireLengths;
    private final long[] timestampsNs;
    private final int ifindex;
    private final int direction;
    private final boolean writable;
    private final Arena arena;

    private int cursor;
    /** The frame being handed out, whose metadata {@link #header} reads. */
    private int current;

    private final Frame.Header header = new Frame.Header() {
        @Override
        public long timestampNs() {
            return timestampsNs[current];
        }

        @Override
        public int ifindex() {
            return ifindex;
        }

        @Override
        public int direction() {
            return direction;
        }
    };

    private MemoryFrameSource(Builder b, Arena arena, MemorySegment segment, long[] offsets) {
        super(b.name, b.frames.isEmpty() ? 0 : b.passes);
        this.arena = arena;
        this.segment = segment;
        this.offsets = offsets;
        int n = b.frames.size();
        this.capturedLengths = new int[n];
        this.wireLengths = new int[n];
        this.timestampsNs = new long[n];
        for (int i = 0; i < n; i++) {
            capturedLengths[i] = b.frames.get(i).length;
            wireLengths[i] = b.wireLengths.get(i);
            timestampsNs[i] = b.timestamps.get(i);
        }
        this.ifindex = b.ifindex;
        this.direction = b.direction;
        this.writable = b.writable;
        this.unreportedDrops = b.kernelDrops;
        this.unreportedPackets = b.kernelDrops;
    }

    /** A builder for a source called {@code name}. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Hands out up to {@code limit} frames. Allocates nothing. */
    @Override
    public int poll(FrameConsumer consumer, int limit) {
        ensureOpen();
        int count = 0;
        while (count < limit && passesLeft > 0) {
            final int i = cursor;
            current = i;
            frame.wrap(segment, offsets[i], capturedLengths[i], wireLengths[i], writable, header);
            // Advance before the callback: a consumer that throws has still taken this frame, like a ring slot
            // that is handed back in a finally block.
            if (++cursor == offsets.length) {
                cursor = 0;
                if (passesLeft != ENDLESS) {
                    passesLeft--;
                }
            }
            count++;
            unreportedPackets++;
            handedOut++;
            consumer.onFrame(frame);
        }
        return count;
    }

    /** Number of distinct frames in one pass. */
    public int framesPerPass() {
        return offsets.length;
    }

    /** Frees the frames' arena. */
    @Override
    protected void release() {
        if (arena != null) {
            arena.close();
        }
    }

    /** Collects frames, then copies them into one native segment. */
    public static final class Builder {
        private final String name;
        private final List<byte[]> frames = new ArrayList<>();
        private final List<Integer> wireLengths = new ArrayList<>();
        private final List<Long> timestamps = new ArrayList<>();
        private long passes = 1;
        private long kernelDrops;
        private int ifindex;
        private int direction = Frame.DIRECTION_UNKNOWN;
        private boolean writable;

        private Builder(String name) {
            this.name = name;
        }

        /** Adds a frame whose wire length equals its captured length, time-stamped with its index in microseconds. */
        public Builder add(byte[] bytes) {
            return add(bytes, bytes.length, frames.size() * 1_000L);
        }

        /** Adds a frame with an explicit wire length and time stamp. */
        public Builder add(byte[] bytes, int wireLength, long timestampNs) {
            if (wireLength < bytes.length) {
                throw new IllegalArgumentException("wire length " + wireLength + " < captured " + bytes.length);
            }
            frames.add(bytes.clone());
            wireLengths.add(wireLength);
            timestamps.add(timestampNs);
            return this;
        }

        /** How many times the frame set is handed out ({@link #ENDLESS} for ever). Default 1. */
        public Builder passes(long passes) {
            if (passes < 0) {
                throw new IllegalArgumentException("passes must be >= 0");
            }
            this.passes = passes;
            return this;
        }

        /** Kernel drops to report (as packets and drops) at the first stats read. */
        public Builder kernelDrops(long drops) {
            this.kernelDrops = drops;
            return this;
        }

        /** Interface index stamped on every frame. */
        public Builder ifindex(int ifindex) {
            this.ifindex = ifindex;
            return this;
        }

        /** Direction stamped on every frame. */
        public Builder direction(int direction) {
            this.direction = direction;
            return this;
        }

        /** Whether frames are writable (as on an inline bridge). */
        public Builder writable(boolean writable) {
            this.writable = writable;
            return this;
        }

        /** Copies the frames into a new shared arena, which {@link MemoryFrameSource#close()} releases. */
        public MemoryFrameSource build() {
            long total = 0;
            long[] offsets = new long[frames.size()];
            for (int i = 0; i < frames.size(); i++) {
                offsets[i] = total;
                // 8-aligned records, as in a TPACKET_V3 block.
                total += (frames.get(i).length + 7L) & ~7L;
            }
            Arena arena = Arena.ofShared();
            MemorySegment segment = arena.allocate(Math.max(total, 8), 8);
            for (int i = 0; i < frames.size(); i++) {
                MemorySegment.copy(frames.get(i), 0, segment, ValueLayout.JAVA_BYTE, offsets[i], frames.get(i).length);
            }
            return new MemoryFrameSource(this, arena, segment, offsets);
        }
    }
}
