package io.npflua.engine.output.pcap;

import io.npflua.engine.output.VerdictSink;
import io.npflua.engine.output.VerdictSinkFactory;
import io.npflua.engine.pcap.PcapWriter;
import io.npflua.engine.pcap.TimestampPrecision;
import io.npflua.engine.source.Frame;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes frames that reached a verdict (passed, or blocked) to one pcap file, with their original timestamps
 * (nanosecond resolution) and wire lengths. One {@link PcapWriter} is shared by all workers (it is thread-safe and
 * copies each frame into its buffer under its monitor), so the file is a single stream readable by tcpdump and tshark.
 *
 * <p>Use {@link #perWorker()} with {@code Engine.Builder.onPassedPerWorker} / {@code onBlockedPerWorker}: each worker
 * gets a handle; the file is flushed whenever a worker flushes and closed when the last worker's handle is closed (at
 * engine close). {@link #close()} closes it at once (idempotent), for callers that never started an engine.
 */
public final class PcapVerdictSink implements VerdictSink {
    private final PcapWriter writer;
    private final AtomicInteger handles = new AtomicInteger();

    private PcapVerdictSink(PcapWriter writer) {
        this.writer = writer;
    }

    /** Creates (or truncates) {@code path} and writes the pcap header: Ethernet, nanosecond timestamps. */
    public static PcapVerdictSink create(Path path) throws IOException {
        return new PcapVerdictSink(PcapWriter.builder(path)
                .precision(TimestampPrecision.NANOSECONDS)
                .open());
    }

    /** A sink over a writer the caller configured (e.g. microsecond timestamps, a snap length). */
    public static PcapVerdictSink over(PcapWriter writer) {
        return new PcapVerdictSink(writer);
    }

    /** Appends the frame (captured bytes, wire length, timestamp). Thread-safe; allocates nothing. */
    @Override
    public void accept(Frame frame) {
        try {
            writer.write(
                    frame.timestampNs(), frame.wireLength(), frame.segment(), frame.offset(), frame.capturedLength());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes buffered records to the file. */
    @Override
    public void flush() {
        try {
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Flushes and closes the file. Idempotent. */
    @Override
    public void close() {
        try {
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Records written so far. */
    public long recordsWritten() {
        return writer.recordsWritten();
    }

    /** One handle per worker over this sink; the last handle closed closes the file. */
    public VerdictSinkFactory perWorker() {
        return worker -> {
            handles.incrementAndGet();
            return new VerdictSink() {
                private boolean closed;

                @Override
                public void accept(Frame frame) {
                    PcapVerdictSink.this.accept(frame);
                }

                @Override
                public void flush() {
                    PcapVerdictSink.this.flush();
                }

                @Override
                public void close() {
                    if (closed) {
                        return;
                    }
                    closed = true;
                    if (handles.decrementAndGet() == 0) {
                        PcapVerdictSink.this.close();
                    } else {
                        PcapVerdictSink.this.flush();
                    }
                }
            };
        };
    }
}
