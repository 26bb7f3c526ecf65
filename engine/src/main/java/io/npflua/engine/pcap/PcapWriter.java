package io.npflua.engine.pcap;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Writes classic pcap files: frames given as (segment, offset, length) with their original timestamp and wire
 * length are copied into a native buffer and written to the file with {@link FileChannel} when the buffer fills, on
 * {@link #flush()} and on {@link #close()}. Writing a frame allocates nothing.
 *
 * <p>Defaults: microsecond timestamps (magic {@code 0xa1b2c3d4}, what {@code tcpdump -w} writes and every pcap
 * tool reads), snap length 262144, link type EN10MB, native byte order. Choose
 * {@link TimestampPrecision#NANOSECONDS} to keep the ring's nanosecond timestamps; tcpdump 4.x and tshark read it.
 * Frames longer than the snap length are truncated to it (wire length kept).
 *
 * <p>Threads: a writer is safe to share. {@link #write} holds the writer's monitor for the time of one copy into
 * the buffer (tens of nanoseconds for a 1500-byte frame), plus a {@code write(2)} once per buffer. One shared writer
 * per output file was chosen over a file per worker merged at the end: it streams (the file is readable while the
 * engine runs and complete after a crash up to the last flush), needs no merge step or temporary files, and at the
 * rates one file can absorb the uncontended-to-mildly-contended monitor is cheap. Records appear in the order the
 * workers wrote them; frames of one flow stay in order because fanout keeps a flow on one worker, but timestamps of
 * frames from different workers may step back slightly, which pcap readers accept.
 */
public final class PcapWriter implements AutoCloseable {
    /** Default snap length, libpcap's MAXIMUM_SNAPLEN. */
    public static final int DEFAULT_SNAP_LENGTH = PcapDescriptor.MAX_CAPTURED_LENGTH;
    /** Default buffer size; a buffer is written in one system call when full. */
    public static final int DEFAULT_BUFFER_SIZE = 1 << 20;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    // Constant layouts let the JIT inline the accesses; the file's byte order is applied by reversing bytes.
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final FileChannel channel;
    private final String target;
    private final Arena arena;
    private final MemorySegment buffer;
    private final ByteBuffer bufferView;
    private final boolean bigEndian;
    private final int snapLength;
    private final boolean nanoseconds;
    private long bufferedBytes;
    private long recordsWritten;
    private long bytesWritten;
    private boolean closed;

    private PcapWriter(Builder builder, FileChannel channel) throws IOException {
        this.channel = channel;
        this.target = builder.path.toString();
        this.snapLength = builder.snapLength;
        this.nanoseconds = builder.precision == TimestampPrecision.NANOSECONDS;
        this.bigEndian = builder.byteOrder == ByteOrder.BIG_ENDIAN;
        // Room for the largest record so that one record never needs two buffers.
        long capacity = Math.max(builder.bufferSize, PcapDescriptor.RECORD_HEADER_LENGTH + (long) snapLength);
        // Shared: the writer may be called from any worker thread.
        this.arena = Arena.ofShared();
        this.buffer = arena.allocate(capacity, 64);
        this.bufferView = buffer.asByteBuffer();
        try {
            writeFileHeader(builder.linkType);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Starts describing a writer for {@code path} (created or truncated). */
    public static Builder builder(Path path) {
        return new Builder(path);
    }

    /** A writer with the defaults: microseconds, EN10MB, snap length 262144, native byte order. */
    public static PcapWriter create(Path path) throws IOException {
        return builder(path).open();
    }

    private void writeFileHeader(int linkType) throws IOException {
        MemorySegment b = buffer;
        putInt(
                b,
                PcapDescriptor.MAGIC_OFFSET,
                nanoseconds ? PcapDescriptor.MAGIC_NANOSECONDS : PcapDescriptor.MAGIC_MICROSECONDS);
        putShort(b, PcapDescriptor.VERSION_MAJOR_OFFSET, (short) PcapDescriptor.VERSION_MAJOR);
        putShort(b, PcapDescriptor.VERSION_MINOR_OFFSET, (short) PcapDescriptor.VERSION_MINOR);
        putInt(b, PcapDescriptor.THISZONE_OFFSET, 0);
        putInt(b, PcapDescriptor.SIGFIGS_OFFSET, 0);
        putInt(b, PcapDescriptor.SNAPLEN_OFFSET, snapLength);
        putInt(b, PcapDescriptor.LINKTYPE_OFFSET, linkType);
        bufferedBytes = PcapDescriptor.FILE_HEADER_LENGTH;
        drain();
    }

    /**
     * Appends one record: {@code length} bytes of {@code source} from {@code offset}, truncated to the snap length.
     * Allocates nothing; thread-safe.
     *
     * @param timestampNs capture time in ns since the epoch (as given by rings and {@link PcapRecord#timestampNs()})
     * @param wireLength  the frame's length on the wire, at least {@code length}
     * @throws IllegalArgumentException if {@code length < 1} or {@code wireLength < length}
     * @throws IOException if the file cannot be written (the record is then lost)
     */
    public synchronized void write(long timestampNs, int wireLength, MemorySegment source, long offset, int length)
            throws IOException {
        if (length < 1 || wireLength < length) {
            throw new IllegalArgumentException("bad record: length " + length + ", wire length " + wireLength);
        }
        if (closed) {
            throw new IOException(target + ": pcap writer is closed");
        }
        int captured = Math.min(length, snapLength);
        long need = PcapDescriptor.RECORD_HEADER_LENGTH + captured;
        if (bufferedBytes + need > buffer.byteSize()) {
            drain();
        }
        long seconds = Math.floorDiv(timestampNs, NANOS_PER_SECOND);
        long fractionNs = Math.floorMod(timestampNs, NANOS_PER_SECOND);
        MemorySegment b = buffer;
        long at = bufferedBytes;
        putInt(b, at + PcapDescriptor.TS_SECONDS_OFFSET, (int) seconds);
        putInt(b, at + PcapDescriptor.TS_FRACTION_OFFSET, (int) (nanoseconds ? fractionNs : fractionNs / 1000));
        putInt(b, at + PcapDescriptor.CAPTURED_LENGTH_OFFSET, captured);
        putInt(b, at + PcapDescriptor.WIRE_LENGTH_OFFSET, wireLength);
        MemorySegment.copy(source, offset, b, at + PcapDescriptor.RECORD_HEADER_LENGTH, captured);
        bufferedBytes = at + need;
        recordsWritten++;
    }

    private void putInt(MemorySegment b, long offset, int value) {
        b.set(INT_LE, offset, bigEndian ? Integer.reverseBytes(value) : value);
    }

    private void putShort(MemorySegment b, long offset, short value) {
        b.set(SHORT_LE, offset, bigEndian ? Short.reverseBytes(value) : value);
    }

    /** Appends the frame a reader's record describes, with its timestamp and wire length. Allocates nothing. */
    public void write(PcapRecord record) throws IOException {
        write(
                record.timestampNs(),
                record.wireLength(),
                record.segment(),
                record.dataOffset(),
                record.capturedLength());
    }

    /** Appends a frame held in a byte array (tests, generators); wraps the array, so it allocates. */
    public void write(long timestampNs, byte[] frame) throws IOException {
        write(timestampNs, frame.length, MemorySegment.ofArray(frame), 0, frame.length);
    }

    /** Writes the buffered records to the file (not forced to the disk). */
    public synchronized void flush() throws IOException {
        if (!closed) {
            drain();
        }
    }

    private void drain() throws IOException {
        ByteBuffer view = bufferView;
        view.limit((int) bufferedBytes).position(0);
        while (view.hasRemaining()) {
            channel.write(view);
        }
        bytesWritten += bufferedBytes;
        bufferedBytes = 0;
    }

    /** Records accepted so far. */
    public synchronized long recordsWritten() {
        return recordsWritten;
    }

    /** Bytes handed to the file so far (header included, buffered bytes excluded). */
    public synchronized long bytesWritten() {
        return bytesWritten;
    }

    /** Snap length in the file header; longer frames are truncated to it. */
    public int snapLength() {
        return snapLength;
    }

    /** Flushes and closes the file, and frees the buffer. Idempotent. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            drain();
        } finally {
            closed = true;
            try {
                channel.close();
            } finally {
                arena.close();
            }
        }
    }

    /** Options of a {@link PcapWriter}. */
    public static final class Builder {
        private final Path path;
        private int linkType = LinkType.ETHERNET;
        private int snapLength = DEFAULT_SNAP_LENGTH;
        private TimestampPrecision precision = TimestampPrecision.MICROSECONDS;
        private ByteOrder byteOrder = ByteOrder.nativeOrder();
        private int bufferSize = DEFAULT_BUFFER_SIZE;

        private Builder(Path path) {
            this.path = Objects.requireNonNull(path, "path");
        }

        /** LINKTYPE_ of the frames, see {@link LinkType}; EN10MB by default. */
        public Builder linkType(int value) {
            linkType = value;
            return this;
        }

        /** Largest number of bytes stored per frame, 1..262144; 262144 by default. */
        public Builder snapLength(int value) {
            if (value < 1 || value > PcapDescriptor.MAX_CAPTURED_LENGTH) {
                throw new IllegalArgumentException(
                        "snap length must be between 1 and " + PcapDescriptor.MAX_CAPTURED_LENGTH + ", got " + value);
            }
            snapLength = value;
            return this;
        }

        /** Timestamp resolution; microseconds by default (readable by every pcap tool). */
        public Builder precision(TimestampPrecision value) {
            precision = Objects.requireNonNull(value, "precision");
            return this;
        }

        /** Byte order of headers; native by default as libpcap writes. Readers accept both. */
        public Builder byteOrder(ByteOrder value) {
            byteOrder = Objects.requireNonNull(value, "byteOrder");
            return this;
        }

        /** Size of the native buffer (at least one record of snap length is always possible); 1 MiB by default. */
        public Builder bufferSize(int value) {
            if (value < 64) {
                throw new IllegalArgumentException("buffer size must be at least 64 bytes, got " + value);
            }
            bufferSize = value;
            return this;
        }

        /** Creates or truncates the file, writes the file header and returns the writer. */
        public PcapWriter open() throws IOException {
            FileChannel channel = FileChannel.open(
                    path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            try {
                return new PcapWriter(this, channel);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }
    }
}
