package io.npflua.engine.source.pcap;

import io.npflua.engine.pcap.PcapFormatException;
import io.npflua.engine.pcap.PcapReader;
import io.npflua.engine.pcap.PcapRecord;
import io.npflua.engine.source.FlowHash;
import io.npflua.engine.source.Frame;
import io.npflua.engine.source.FrameConsumer;
import io.npflua.engine.source.FrameSource;
import io.npflua.engine.source.ReplayFrameSource;
import io.npflua.engine.source.SourceFailedException;

/**
 * A {@link FrameSource} over a pcap or pcapng file mapped into memory ({@link PcapReader}): frames are handed out where
 * they lie in the file (zero copy, read-only), with the file's timestamps and wire lengths, as fast as the worker takes
 * them.
 *
 * <p>With several workers each one maps the same file and takes only the records whose {@link FlowHash} falls to it
 * ({@code floorMod(hash, workerCount) == workerIndex}), so both directions of a flow meet in one worker as with the
 * kernel's hash fanout. The file is read {@code passes} times ({@code --repeat}: the reader is rewound at the end), then
 * the source reports {@link #endOfStream()}. Stats: every frame handed out counts as a packet, never a drop.
 *
 * <p>A damaged file ends the source with {@link SourceFailedException} (naming the file and the byte offset) once every
 * record before the damage was handed out: a corrupt record header ({@link PcapFormatException}), or a last record the
 * file ends inside ("truncated dump file", as tcpdump says), which the reader alone would treat as the end.
 *
 * <p>Owned by one worker thread.
 */
public final class PcapFrameSource extends ReplayFrameSource {
    private final PcapReader reader;
    private final int workerIndex;
    private final int workerCount;
    /** The frame's metadata, read from the reader's record flyweight (time only: a file has no interface index). */
    private final Frame.Header header;
    /** Spreads the file's flows over the workers as the kernel's fanout would: both directions on one worker. */
    private final FlowHash flowHash = new FlowHash();

    /**
     * @param reader      the reader (owned: closed with this source)
     * @param name        for messages
     * @param workerIndex this worker's index
     * @param workerCount the number of workers sharing the file
     * @param passes      how many times to read the file (at least 1)
     */
    public PcapFrameSource(PcapReader reader, String name, int workerIndex, int workerCount, long passes) {
        super(name, requireOnePass(passes));
        this.reader = reader;
        this.workerIndex = workerIndex;
        this.workerCount = workerCount;
        final PcapRecord record = reader.record();
        this.header = record::timestampNs;
    }

    private static long requireOnePass(long passes) {
        if (passes < 1) {
            throw new IllegalArgumentException("passes must be >= 1, got " + passes);
        }
        return passes;
    }

    /** Hands up to {@code limit} of this worker's records to {@code consumer}. Allocates nothing. */
    @Override
    public int poll(FrameConsumer consumer, int limit) {
        ensureOpen();
        int count = 0;
        // Bounds the records skipped for other workers in one call, so a poll stays short.
        int budget = limit * Math.max(1, workerCount) * 4;
        try {
            while (count < limit && passesLeft > 0 && budget-- > 0) {
                if (!reader.next()) {
                    if (reader.truncatedTailOffset() >= 0) {
                        passesLeft = 0;
                        throw truncated(reader.truncatedTailOffset());
                    }
                    if (--passesLeft > 0) {
                        reader.rewind();
                    }
                    continue;
                }
                final PcapRecord r = reader.record();
                if (workerCount > 1
                        && Math.floorMod(flowHash.of(r.segment(), r.dataOffset(), r.capturedLength()), workerCount)
                                != workerIndex) {
                    continue;
                }
                frame.wrap(r.segment(), r.dataOffset(), r.capturedLength(), r.wireLength(), false, header);
                // The reader has already moved past this record: a consumer that throws has taken it.
                count++;
                handedOut++;
                unreportedPackets++;
                consumer.onFrame(frame);
            }
        } catch (PcapFormatException e) {
            passesLeft = 0;
            throw new SourceFailedException(e.source(), e.offset(), e.getMessage(), e);
        }
        return count;
    }

    private SourceFailedException truncated(long offset) {
        long present = reader.segment().byteSize() - offset;
        return new SourceFailedException(
                reader.source(),
                offset,
                reader.source() + ": byte offset " + offset
                        + ": truncated dump file: the file ends " + present + " byte" + (present == 1 ? "" : "s")
                        + " into the record that starts here (was the capture stopped while it was being written?)",
                null);
    }

    /** Records the reader skipped as malformed in the current pass (see {@link PcapReader#skippedRecords()}). */
    public long skippedRecords() {
        return reader.skippedRecords();
    }

    /** Unmaps the file. */
    @Override
    protected void release() {
        reader.close();
    }
}
